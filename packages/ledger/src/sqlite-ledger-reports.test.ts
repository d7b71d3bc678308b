import { join } from 'node:path';
import { contentHash, type LedgerBatch, pointId, type RunStart } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import {
  batch,
  model,
  readDatabaseBytes,
  sink,
  source,
  start,
  upsert,
  useLedgerDir,
  zero,
} from './sqlite-ledger-test-fixtures.js';

const { dir, ledgerAt } = useLedgerDir();

describe('cost', () => {
  it('counts every paid embedding, including ones later overwritten, and adds up to the run totals', async () => {
    const ledger = ledgerAt();
    const totals = new Map<string, { tokens: number; costUsd: number }>();
    const runBatches: [string, RunStart, LedgerBatch['upserts'][]][] = [
      [
        'r1',
        start('r1'),
        [[upsert('1', 'a', 100), upsert('2', 'b', 200)], [upsert('3', 'c', 300)]],
      ],
      // r2 overwrites key 1 and reuses a vector for key 4 (no tokens: not an embedding paid for).
      [
        'r2',
        start('r2', { startedAt: new Date('2026-01-02T00:00:00Z') }),
        [[upsert('1', 'a2', 50), upsert('4', 'b', 0)]],
      ],
      [
        'r3',
        start('r3', {
          sinkId: 'pg://db?table=t',
          model: 'bedrock/titan',
          fingerprint: 'bedrock/titan@1024',
        }),
        [[{ ...upsert('1', 'a', 70), model: 'bedrock/titan', fingerprint: 'bedrock/titan@1024' }]],
      ],
    ];
    for (const [runId, run, batches] of runBatches) {
      await ledger.startRun(run);
      let tokens = 0;
      let costUsd = 0;
      for (const upserts of batches) {
        await ledger.commitBatch({ ...batch(runId, { upserts }), sinkId: run.sinkId });
        for (const point of upserts) {
          tokens += point.tokens;
          costUsd += point.costUsd;
        }
      }
      totals.set(runId, { tokens, costUsd });
      await ledger.finishRun(runId, {
        status: 'succeeded',
        counters: { ...zero, tokens, costUsd },
        finishedAt: new Date(),
      });
    }

    const byRun = await ledger.cost({ by: 'run' });
    for (const row of byRun) {
      const run = await ledger.getRun(row.group);
      expect(row.tokens).toBe(run?.counters.tokens);
      expect(row.costUsd).toBeCloseTo(run!.counters.costUsd, 15);
    }
    expect(byRun.find((row) => row.group === 'r1')).toMatchObject({
      tokens: 600,
      embeddings: 3,
      runs: 1,
    });
    expect(byRun.find((row) => row.group === 'r2')).toMatchObject({
      tokens: 50,
      embeddings: 1,
      runs: 1,
    });

    const byModel = await ledger.cost({ by: 'model' });
    expect(byModel.map((row) => [row.group, row.tokens, row.embeddings, row.runs])).toEqual([
      [model, 650, 4, 2],
      ['bedrock/titan', 70, 1, 1],
    ]);
    const bySink = await ledger.cost({ by: 'sink' });
    expect(bySink.find((row) => row.group === sink)?.tokens).toBe(650);
    const bySource = await ledger.cost({ by: 'source' });
    expect(bySource).toHaveLength(1);
    expect(bySource[0]?.tokens).toBe(720);
    expect(bySource[0]?.costUsd).toBeCloseTo((720 * 0.02) / 1e6, 15);
    // The live points alone would say less: the overwritten embedding of key 1 was paid too.
    const live = await ledger.getPoints(
      sink,
      ['1', '2', '3', '4'].map((key) => pointId(source, key)),
    );
    expect([...live.values()].reduce((sum, point) => sum + point.tokens, 0)).toBe(550);
  });

  it('filters by time', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('1', 'a', 100)], at: new Date('2026-01-01T00:00:00Z') }),
    );
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('2', 'b', 10)], at: new Date('2026-03-01T00:00:00Z') }),
    );
    expect(
      (await ledger.cost({ by: 'run', since: new Date('2026-02-01T00:00:00Z') }))[0]?.tokens,
    ).toBe(10);
    expect(
      (await ledger.cost({ by: 'run', until: new Date('2026-02-01T00:00:00Z') }))[0]?.tokens,
    ).toBe(100);
    expect(await ledger.cost({ by: 'run', since: new Date('2027-01-01T00:00:00Z') })).toEqual([]);
  });
});

describe('provenance and erasure', () => {
  it('tells where a point came from, by point id or by key, through deletes and erasures', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    const id = pointId(source, '1');
    await ledger.commitBatch(batch('r1', { upserts: [upsert('1', 'first'), upsert('2', 'x')] }));
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('1', 'second')], at: new Date('2026-01-01T00:02:00Z') }),
    );

    const [byId, ...none] = await ledger.provenance({ pointId: id });
    expect(none).toEqual([]);
    expect(byId?.point).toMatchObject({
      key: '1',
      contentHash: contentHash('second'),
      runId: 'r1',
    });
    expect(byId?.run?.runId).toBe('r1');
    expect(byId?.history.map((entry) => [entry.action, entry.contentHash])).toEqual([
      ['upsert', contentHash('first')],
      ['upsert', contentHash('second')],
    ]);
    expect(await ledger.provenance({ key: '1', sourceId: source })).toEqual([byId]);
    expect(await ledger.provenance({ key: '1', sinkId: 'other' })).toEqual([]);

    await ledger.commitBatch(
      batch('r1', {
        deletes: [{ pointId: id, sourceId: source, key: '1' }],
        at: new Date('2026-01-01T00:03:00Z'),
      }),
    );
    const [deleted] = await ledger.provenance({ key: '1' });
    expect(deleted?.point).toBeUndefined();
    expect(deleted?.run).toBeUndefined();
    expect(deleted?.history.map((entry) => entry.action)).toEqual(['upsert', 'upsert', 'delete']);

    await ledger.recordErasure([
      {
        sinkId: sink,
        pointId: pointId(source, '2'),
        sourceId: source,
        key: '2',
        runId: 'forget-1',
        reason: 'GDPR request #42',
      },
    ]);
    expect(await ledger.countPoints(sink)).toBe(0);
    const [erased] = await ledger.provenance({ pointId: pointId(source, '2') });
    expect(erased?.point).toBeUndefined();
    expect(erased?.history.at(-1)).toMatchObject({
      action: 'erase',
      key: '2',
      runId: 'forget-1',
      reason: 'GDPR request #42',
    });
  });
  it('forgets the hashes and failure reasons of an erased point, down to the file bytes', async () => {
    const path = join(dir(), 'ledger.db');
    const ledger = ledgerAt(path);
    const erased = 'jane.example@example.com';
    const kept = 'public announcement';
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('1', 'old text of row one'), upsert('2', kept)] }),
    );
    await ledger.commitBatch(
      batch('r1', {
        upserts: [upsert('1', erased)],
        failures: [
          {
            pointId: pointId(source, '1'),
            sourceId: source,
            key: '1',
            code: 'input-rejected',
            reason: 'rejected: QUOTED-INPUT',
          },
        ],
      }),
    );
    await ledger.recordErasure([
      {
        sinkId: sink,
        pointId: pointId(source, '1'),
        sourceId: source,
        key: '1',
        runId: 'forget-1',
        reason: 'request 7',
      },
    ]);
    const [provenance] = await ledger.provenance({ pointId: pointId(source, '1') });
    expect(provenance?.history.map((entry) => [entry.action, entry.contentHash])).toEqual([
      ['upsert', undefined],
      ['upsert', undefined],
      ['erase', undefined],
    ]);
    expect(await ledger.failures({ runId: 'r1' })).toEqual([]);
    await ledger.close();
    const bytes = readDatabaseBytes(path);
    expect(bytes.includes(contentHash(kept))).toBe(true);
    expect(bytes.includes(contentHash(erased))).toBe(false);
    expect(bytes.includes(contentHash('old text of row one'))).toBe(false);
    expect(bytes.includes('QUOTED-INPUT')).toBe(false);
  });
});

describe('what the ledger stores', () => {
  it('never holds the text that was embedded', async () => {
    const path = join(dir(), 'ledger.db');
    const ledger = ledgerAt(path);
    const text = 'Patient Jane Q. Example was seen on the fourth of March';
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(batch('r1', { upserts: [upsert('1', text)] }));
    await ledger.finishRun('r1', { status: 'succeeded', counters: zero, finishedAt: new Date() });
    await ledger.close();
    const bytes = readDatabaseBytes(path);
    expect(bytes.includes(contentHash(text))).toBe(true); // the file was read and holds the row
    expect(bytes.includes(text)).toBe(false);
    expect(bytes.includes('Jane Q. Example')).toBe(false);
  });
});
