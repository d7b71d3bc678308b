import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pointId } from '@drift-spark/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  parseJson,
  pythonPath,
  runDrift,
  seededRandom,
} from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints, ledgerPointCount, readSink } from './cli-state.js';

const model = 'openai/text-embedding-3-small';
const dimensions = 1536;

/** Issue 13, mark and sweep: `embed` alone converges to a table without a change feed. */
describe('drift embed sweeps the points of rows gone from a table without a change feed', () => {
  let work: string;
  let writer: DeltaWriter;

  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-sweep-'));
    writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('after every embed: the sink holds exactly the rows with text, and the swept count is the rows gone', async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-sweep-random seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const random = seededRandom(seed);
    const tablePath = join(work, 'tickets');
    const sinkUri = `pglite://${join(work, 'sink')}?table=tickets`;
    const ledger = join(work, 'ledger.db');
    const env = childEnv(work);
    const table = new RandomTable(random, writer);
    await table.create(tablePath, 40, undefined, false);
    const args = [
      'embed',
      '--table',
      tablePath,
      '--text-col',
      'body',
      '--shadow-mode',
      '--sink',
      sinkUri,
      '--ledger',
      ledger,
      '--batch-size',
      '8',
      '--json',
    ];
    let before = new Set<number>();
    let sourceId = '';
    for (let round = 0; round < 6; round++) {
      if (round > 0) await table.randomCommits(3);
      const run = await runDrift(args, { cwd: work, env });
      expect(run.code, run.stderr).toBe(0);
      const result = parseJson(run);
      sourceId = String(result.source);
      const expected = expectedPoints(sourceId, table.rows.values());
      const gone = [...before].filter((id) => !table.rows.has(id)).length;
      expect(result.rowsSwept, `round ${round} (seed ${seed})`).toBe(gone);
      const actual = await readSink(sinkUri, model, dimensions);
      expect(new Set(actual.keys()), `round ${round} (seed ${seed})`).toEqual(
        new Set(expected.keys()),
      );
      for (const [id, point] of expected) expect(actual.get(id), `key ${point.key}`).toEqual(point);
      expect(await ledgerPointCount(ledger, String(result.sink))).toBe(expected.size);
      before = new Set(
        [...table.rows.values()]
          .filter((row) => expected.has(pointId(sourceId, String(row.id))))
          .map((row) => row.id),
      );
    }
  });
});
