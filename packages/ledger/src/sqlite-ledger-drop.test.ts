import { pointId } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import {
  batch,
  fingerprint,
  sink,
  source,
  start,
  upsert,
  useLedgerDir,
  zero,
} from './sqlite-ledger-test-fixtures.js';

const { ledgerAt } = useLedgerDir();
const other = 'qdrant://127.0.0.1:6333/other';

describe('dropSink', () => {
  it("forgets one sink's points, checkpoints and failures, keeps its runs and every other sink", async () => {
    const ledger = ledgerAt();
    for (const [runId, sinkId] of [
      ['r1', sink],
      ['r2', other],
    ] as const) {
      await ledger.startRun(start(runId, { sinkId }));
      await ledger.commitBatch({
        ...batch(runId, {
          upserts: [upsert('1', 'alpha'), upsert('2', 'beta')],
          failures: [
            { pointId: pointId(source, '3'), sourceId: source, key: '3', code: 'x', reason: 'y' },
          ],
        }),
        sinkId,
      });
      await ledger.setCheckpoint({ sourceId: source, sinkId, fingerprint, version: 4, runId });
      await ledger.finishRun(runId, {
        status: 'succeeded',
        counters: zero,
        finishedAt: new Date(),
      });
    }

    expect(await ledger.dropSink(sink)).toEqual({ points: 2, checkpoints: 1 });
    expect(await ledger.countPoints(sink)).toBe(0);
    expect(await ledger.getCheckpoint({ sourceId: source, sinkId: sink, fingerprint })).toBe(
      undefined,
    );
    expect(await ledger.failures({ sinkId: sink })).toEqual([]);
    expect((await ledger.recentRuns({ sinkId: sink })).map((run) => run.runId)).toEqual(['r1']);

    expect(await ledger.countPoints(other)).toBe(2);
    expect(
      await ledger.getCheckpoint({ sourceId: source, sinkId: other, fingerprint }),
    ).toMatchObject({ version: 4 });
    expect(await ledger.failures({ sinkId: other })).toHaveLength(1);
    expect(await ledger.dropSink('qdrant://127.0.0.1:6333/never')).toEqual({
      points: 0,
      checkpoints: 0,
    });
    await ledger.close();
  });
});
