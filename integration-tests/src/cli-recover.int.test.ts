import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type OpenAIEmbeddingsRequestBody,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions, model } from './cli-args.js';
import { parseJson, type TicketRow } from './cli-harness.js';
import { pool } from './cli-random-table.js';
import { expectedPoints, ledgerPointCount, readSink } from './cli-state.js';
import { useCliWorkspace } from './cli-workspace.js';

const ticket = (id: number, body?: string): TicketRow => ({
  id,
  body: body ?? `ticket ${id}: ${pool[id % pool.length]}`,
  category: null,
  n: id,
});
const logFile = (table: string, version: number) =>
  join(table, '_delta_log', `${String(version).padStart(20, '0')}.json`);

/**
 * Issue 13, "Recovery without a full re-embed", through the built CLI against a table a
 * real delta-rs writer changes: a recreated table, vacuumed versions and a feed switched
 * off each stop `drift watch` with exit 1 and the remedy; `--recover` then pays the
 * provider only for the rows whose text changed, and leaves the sink equal to the table.
 * `embed --adopt-sink` rebuilds a lost ledger from the sink without a provider call.
 */
describe('drift watch --recover and drift embed --adopt-sink', () => {
  const space = useCliWorkspace('recover', { writer: true });
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ [openAIEmbeddingsRoute]: openAIEmbeddingsHandler() });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A 40-row table with the Change Data Feed on, bootstrapped into its own sink and ledger. */
  async function followedTable(name: string) {
    const { work, writer } = space;
    const table = join(work, name);
    const rows = new Map(Array.from({ length: 40 }, (_, i) => [i + 1, ticket(i + 1)]));
    let version = (await writer.request({ op: 'create', path: table, rows: [...rows.values()] }))
      .version;
    const sink = `pglite://${join(work, `${name}-sink`)}?table=tickets`;
    const ledger = join(work, `${name}.db`);
    const env = { OPENAI_API_KEY: 'sk-test-recover', OPENAI_BASE_URL: `${server.url}/v1` };
    const args = (...extra: string[]) => [
      ...extra,
      '--table',
      table,
      '--text-col',
      'body',
      '--model',
      model,
      '--sink',
      sink,
      '--ledger',
      ledger,
      '--json',
    ];
    const drift = async (...extra: string[]) => {
      const before = server.requestsTo(openAIEmbeddingsRoute).length;
      const run = await space.drift(args(...extra), env);
      const inputs = server
        .requestsTo(openAIEmbeddingsRoute)
        .slice(before)
        .flatMap((request) => (request.json as OpenAIEmbeddingsRequestBody).input as string[]);
      return { run, inputs };
    };
    const boot = await drift('watch');
    expect(boot.run.code, boot.run.stderr).toBe(0);
    expect(boot.inputs).toHaveLength(40);
    /** One commit: these rows upserted, those ids deleted (a MERGE). */
    const merge = async (upserts: TicketRow[], deletes: number[] = []) => {
      version = (await writer.request({ op: 'merge', upserts, deletes })).version;
      for (const row of upserts) rows.set(row.id, row);
      for (const id of deletes) rows.delete(id);
      return version;
    };
    const expectSinkIsTable = async (sourceId: string) => {
      const expected = expectedPoints(sourceId, rows.values());
      const actual = await readSink(sink, model, dimensions);
      expect(new Set(actual.keys())).toEqual(new Set(expected.keys()));
      for (const [id, point] of expected) expect(actual.get(id)).toEqual(point);
      expect(await ledgerPointCount(ledger, String(parseJson(boot.run).sink))).toBe(expected.size);
    };
    return {
      table,
      rows,
      ledger,
      drift,
      merge,
      expectSinkIsTable,
      version: () => version,
      sourceId: String(parseJson(boot.run).source),
    };
  }

  it('versions vacuumed past the checkpoint: exit 1 saying so; --recover embeds only the changed rows', async () => {
    const { writer } = space;
    const t = await followedTable('vacuumed');
    const first = await t.merge([ticket(1, 'vacuumed: a new text for one')], [3]);
    await t.merge([ticket(2, 'vacuumed: a new text for two'), ticket(41, 'vacuumed: new row')]);
    await writer.request({ op: 'checkpoint' });
    // What log cleanup does once a checkpoint covers a version: its commit file goes.
    rmSync(logFile(t.table, first));

    const stuck = await t.drift('watch');
    expect(stuck.run.code, stuck.run.stderr).toBe(1);
    expect(stuck.run.stderr).toMatch(/vacuumed or are past the change feed's retention/);
    expect(stuck.run.stderr).toMatch(/--recover/);
    expect(parseJson(stuck.run)).toMatchObject({ recoveryNeeded: 'versions-vacuumed' });

    const recovered = await t.drift('watch', '--recover');
    expect(recovered.run.code, recovered.run.stderr).toBe(0);
    expect(recovered.inputs.sort()).toEqual(
      ['vacuumed: a new text for one', 'vacuumed: a new text for two', 'vacuumed: new row'].sort(),
    );
    expect(parseJson(recovered.run)).toMatchObject({ toVersion: t.version(), rowsDeleted: 1 });
    await t.expectSinkIsTable(t.sourceId);

    // The checkpoint moved: the feed goes on from there.
    await t.merge([], [4]);
    const next = await t.drift('watch');
    expect(next.run.code, next.run.stderr).toBe(0);
    expect(parseJson(next.run)).toMatchObject({ sinceVersion: t.version(), deleted: 1 });
    await t.expectSinkIsTable(t.sourceId);
  });

  it('the Change Data Feed switched off for a while: exit 1 saying so; --recover embeds only the changed rows', async () => {
    const { writer } = space;
    const t = await followedTable('cdf-off');
    await writer.request({ op: 'set_cdf', enabled: false });
    await t.merge([ticket(5, 'cdf off: changed while nobody recorded it')], [6, 7]);
    await writer.request({ op: 'set_cdf', enabled: true });
    await t.merge([ticket(8, 'cdf back on: changed again')]);

    const stuck = await t.drift('watch');
    expect(stuck.run.code, stuck.run.stderr).toBe(1);
    expect(stuck.run.stderr).toMatch(/Change Data Feed was off/);
    expect(stuck.run.stderr).toMatch(/--recover/);

    const recovered = await t.drift('watch', '--recover');
    expect(recovered.run.code, recovered.run.stderr).toBe(0);
    expect(recovered.inputs.sort()).toEqual(
      ['cdf back on: changed again', 'cdf off: changed while nobody recorded it'].sort(),
    );
    expect(parseJson(recovered.run)).toMatchObject({ rowsDeleted: 2, rowsEmbedded: 2 });
    await t.expectSinkIsTable(t.sourceId);
  });

  it('a table recreated at the same place: exit 1 saying so; --recover reuses unchanged vectors and removes the old table', async () => {
    const { writer } = space;
    const t = await followedTable('recreated');
    rmSync(t.table, { recursive: true, force: true });
    t.rows.set(9, ticket(9, 'recreated: a new text for nine'));
    t.rows.delete(10);
    t.rows.set(50, ticket(50, 'recreated: a row that is new'));
    await writer.request({ op: 'create', path: t.table, rows: [...t.rows.values()] });

    const stuck = await t.drift('watch');
    expect(stuck.run.code, stuck.run.stderr).toBe(1);
    expect(stuck.run.stderr).toMatch(/was recreated/);
    expect(stuck.run.stderr).toMatch(/--recover/);

    const recovered = await t.drift('watch', '--recover');
    expect(recovered.run.code, recovered.run.stderr).toBe(0);
    expect(recovered.inputs.sort()).toEqual(
      ['recreated: a new text for nine', 'recreated: a row that is new'].sort(),
    );
    const result = parseJson(recovered.run);
    expect(result.source).not.toBe(t.sourceId);
    expect(result).toMatchObject({ rowsEmbedded: 2, rowsReused: 38, rowsDeleted: 40 });
    // Every point now belongs to the new table; none of the old one is left.
    await t.expectSinkIsTable(String(result.source));
  });

  it('embed --adopt-sink after the ledger was lost: rebuilt from the sink, no provider call', async () => {
    const t = await followedTable('adopt');
    rmSync(t.ledger);
    for (const suffix of ['-wal', '-shm']) rmSync(`${t.ledger}${suffix}`, { force: true });
    await t.merge([ticket(11, 'adopt: changed after the ledger was lost')]);

    const adopted = await t.drift('embed', '--adopt-sink');
    expect(adopted.run.code, adopted.run.stderr).toBe(0);
    expect(adopted.run.stderr).toMatch(/adopted 40 points from the sink/);
    expect(adopted.inputs).toEqual(['adopt: changed after the ledger was lost']);
    expect(parseJson(adopted.run)).toMatchObject({ rowsEmbedded: 1, rowsDeduped: 39 });
    await t.expectSinkIsTable(t.sourceId);
  });
});
