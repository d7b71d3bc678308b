import { join } from 'node:path';
import { pointId } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { shadowRunArgs } from './cli-args.js';
import { parseJson } from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints, expectSinkEqualsTable, ledgerPointCount } from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';

/** Issue 13, mark and sweep: `embed` alone converges to a table without a change feed. */
describe('drift embed sweeps the points of rows gone from a table without a change feed', () => {
  const space = useCliWorkspace('sweep', { writer: true });

  it('after every embed: the sink holds exactly the rows with text, and the swept count is the rows gone', async () => {
    const { work, writer } = space;
    const { seed, random } = testSeed('cli-sweep-random');
    const tablePath = join(work, 'tickets');
    const sinkUri = `pglite://${join(work, 'sink')}?table=tickets`;
    const ledger = join(work, 'ledger.db');
    const table = new RandomTable(random, writer);
    await table.create(tablePath, 40, undefined, false);
    const args = shadowRunArgs(
      'embed',
      { table: tablePath, sink: sinkUri, ledger },
      '--batch-size',
      '8',
    );
    let before = new Set<number>();
    let sourceId = '';
    for (let round = 0; round < 6; round++) {
      if (round > 0) await table.randomCommits(3);
      const run = await space.drift(args);
      expect(run.code, run.stderr).toBe(0);
      const result = parseJson(run);
      sourceId = String(result.source);
      const expected = expectedPoints(sourceId, table.rows.values());
      const gone = [...before].filter((id) => !table.rows.has(id)).length;
      expect(result.rowsSwept, `round ${round} (seed ${seed})`).toBe(gone);
      await expectSinkEqualsTable(sinkUri, expected, `round ${round} (seed ${seed})`);
      expect(await ledgerPointCount(ledger, String(result.sink))).toBe(expected.size);
      before = new Set(
        [...table.rows.values()]
          .filter((row) => expected.has(pointId(sourceId, String(row.id))))
          .map((row) => row.id),
      );
    }
  });
});
