import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dimensions, model, shadowRunArgs } from './cli-args.js';
import { type DriftRun, parseJson, type TicketRow } from './cli-harness.js';
import { readQdrantCollection } from './cli-qdrant.js';
import { expectedPoints, ledgerPointCount, readSink } from './cli-state.js';
import { useCliWorkspace, withDeltaWriter } from './cli-workspace.js';

const rowsPerTable = 4000;

// Two different tables written into one sink by two `drift embed` processes at the same time:
// the run lock covers (source, sink), so nothing but the sink itself keeps them apart.
describe('two drift embed processes writing one sink at once', () => {
  const space = useCliWorkspace('two-writers', { services: ['DATABASE_URL', 'QDRANT_URL'] });
  const tables: { path: string; rows: TicketRow[] }[] = [];

  beforeAll(async () => {
    await withDeltaWriter(async (writer) => {
      for (const name of ['alpha', 'beta']) {
        const rows = Array.from({ length: rowsPerTable }, (_, index) => ({
          id: index + 1,
          body: `${name} ticket ${index + 1}: the printer on floor ${index % 7} is jammed again`,
          category: null,
          n: index,
        }));
        const path = join(space.work, name);
        await writer.request({ op: 'create', path, rows });
        tables.push({ path, rows });
      }
    });
  });

  /** Both embeds at once (the second a moment later); both must succeed and keep every point. */
  async function embedBoth(sinkUri: string, ledger: string) {
    const embed = (path: string) =>
      space.drift(
        shadowRunArgs('embed', { table: path, sink: sinkUri, ledger }, '--batch-size', '200'),
      );
    const first = embed(tables[0]!.path);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const runs: DriftRun[] = await Promise.all([first, embed(tables[1]!.path)]);
    const results = runs.map((run) => {
      expect(run.code, run.stderr).toBe(0);
      const result = parseJson(run);
      expect(result).toMatchObject({ status: 'succeeded', rowsFailed: 0 });
      return result;
    });
    const expected = new Map<string, { key: string; contentHash: string }>();
    results.forEach((result, index) => {
      for (const [id, point] of expectedPoints(String(result.source), tables[index]!.rows))
        expected.set(id, point);
    });
    expect(expected.size).toBe(2 * rowsPerTable);
    const sinkId = String(results[0]!.sink);
    expect(results[1]!.sink).toBe(sinkId);
    return { expected, sinkId, runs };
  }

  function expectSame(
    actual: Map<string, { contentHash: string }>,
    expected: Map<string, { contentHash: string }>,
  ): void {
    expect(actual.size).toBe(expected.size);
    const wrong = [...expected].filter(
      ([id, point]) => actual.get(id)?.contentHash !== point.contentHash,
    );
    expect(wrong.length, `points missing or wrong, e.g. ${wrong[0]?.[0]}`).toBe(0);
  }

  it('PGlite: the second process waits for the folder, and the sink holds both tables', async () => {
    const sinkUri = `pglite://${join(space.work, 'pglite')}?table=tickets`;
    const ledger = join(space.work, 'pglite-ledger.db');
    const { expected, sinkId, runs } = await embedBoth(sinkUri, ledger);
    // Whichever came second said it waited for the other, on stderr.
    const waited = runs.filter((run) =>
      /in use by another Drift process .*waiting/.test(run.stderr),
    );
    expect(waited.length, runs.map((run) => run.stderr).join('\n')).toBe(1);
    expectSame(await readSink(sinkUri, model, dimensions), expected);
    expect(await ledgerPointCount(ledger, sinkId)).toBe(expected.size);
  });

  it('PostgreSQL: both runs keep every point in one new table', async () => {
    const table = `drift_two_writers_${process.pid}_${Date.now()}`;
    const sinkUri = `${process.env.DATABASE_URL!.replace(/\?.*$/, '')}?table=${table}`;
    const ledger = join(space.work, 'pg-ledger.db');
    const { expected, sinkId } = await embedBoth(sinkUri, ledger);
    expectSame(await readSink(sinkUri, model, dimensions), expected);
    expect(await ledgerPointCount(ledger, sinkId)).toBe(expected.size);
  });

  it('Qdrant: both runs keep every point in one new collection', async () => {
    const url = new URL(process.env.QDRANT_URL!);
    const collection = `drift_two_writers_${process.pid}_${Date.now()}`;
    const sinkUri = `qdrant://${url.host}/${collection}`;
    const ledger = join(space.work, 'qdrant-ledger.db');
    const { expected, sinkId } = await embedBoth(sinkUri, ledger);
    expectSame(await readQdrantCollection(process.env.QDRANT_URL!, collection), expected);
    expect(await ledgerPointCount(ledger, sinkId)).toBe(expected.size);
  });
});
