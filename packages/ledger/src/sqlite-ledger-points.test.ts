import { contentHash, pointId } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import {
  batch,
  fingerprint,
  model,
  sink,
  source,
  start,
  upsert,
  useLedgerDir,
} from './sqlite-ledger-test-fixtures.js';

const { ledgerAt } = useLedgerDir();

describe('points, history and failures', () => {
  it('commits upserts, deletes and failures in one batch, and reads them back with one query per batch', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', {
        upserts: [upsert('1', 'alpha'), upsert('2', 'alpha'), upsert('3', 'gamma')],
        failures: [
          {
            pointId: pointId(source, '4'),
            sourceId: source,
            key: '4',
            code: 'input-rejected',
            reason: 'too long',
          },
        ],
      }),
    );
    const ids = ['1', '2', '3', '4'].map((key) => pointId(source, key));
    const found = await ledger.getPoints(sink, ids);
    expect([...found.keys()].sort()).toEqual(ids.slice(0, 3).sort());
    expect(found.get(ids[0]!)).toMatchObject({
      sinkId: sink,
      key: '1',
      contentHash: contentHash('alpha'),
      fingerprint,
      model,
      tokens: 10,
      runId: 'r1',
    });
    expect(found.get(ids[0]!)?.updatedAt.toISOString()).toBe('2026-01-01T00:01:00.000Z');
    expect((await ledger.getPoints('another-sink', ids)).size).toBe(0);
    expect(await ledger.countPoints(sink)).toBe(3);

    await ledger.commitBatch(
      batch('r1', {
        upserts: [upsert('1', 'alpha v2')],
        deletes: [{ pointId: ids[2]!, sourceId: source, key: '3' }],
      }),
    );
    const after = await ledger.getPoints(sink, ids);
    expect(after.get(ids[0]!)?.contentHash).toBe(contentHash('alpha v2'));
    expect(after.has(ids[2]!)).toBe(false);
    expect(await ledger.countPoints(sink)).toBe(2);

    const failures = await ledger.failures({ runId: 'r1' });
    expect(failures).toEqual([
      {
        runId: 'r1',
        sinkId: sink,
        sourceId: source,
        key: '4',
        pointId: ids[3],
        code: 'input-rejected',
        reason: 'too long',
        at: new Date('2026-01-01T00:01:00Z'),
      },
    ]);
    expect(await ledger.failures({ sinkId: 'another-sink' })).toEqual([]);
  });

  it('handles batches of 10k ids, beyond SQLite parameter limits', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    const upserts = Array.from({ length: 10_000 }, (_, index) =>
      upsert(String(index), `text ${index}`),
    );
    await ledger.commitBatch(batch('r1', { upserts }));
    const wanted = [
      ...upserts.map((point) => point.pointId),
      ...Array.from({ length: 2000 }, (_, index) => pointId(source, `missing-${index}`)),
    ];
    expect((await ledger.getPoints(sink, wanted)).size).toBe(10_000);
    expect(
      (
        await ledger.findByContentHash(
          sink,
          fingerprint,
          upserts.map((point) => point.contentHash),
        )
      ).size,
    ).toBe(10_000);
    expect(await ledger.countPoints(sink)).toBe(10_000);
  }, 60_000);
});
