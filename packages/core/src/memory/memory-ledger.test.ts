import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import type { LockedError } from '../errors/errors.js';
import type { RunStart } from '../spec/ledger-v1.js';
import { createMemoryLedger } from './memory-ledger.js';

const start = (runId: string, at = new Date()): RunStart => ({
  runId,
  kind: 'embed',
  sourceId: 'src',
  sinkId: 'sink',
  model: 'm',
  fingerprint: 'm@2',
  usdPerMillionTokens: 1,
  priceSource: 'test',
  startedAt: at,
});

const upsert = (pointId: string, key: string, hash: string, tokens = 10) => ({
  pointId,
  sourceId: 'src',
  key,
  contentHash: hash,
  fingerprint: 'm@2',
  model: 'm',
  tokens,
  costUsd: tokens / 1e6,
});

describe('memory ledger', () => {
  it('refuses a second run on the same pair, naming the holder', async () => {
    const ledger = createMemoryLedger();
    await ledger.startRun(start('run-1'));
    const error = await ledger.startRun(start('run-2')).catch((caught: unknown) => caught);
    expect(DriftError.hasCode(error, 'locked')).toBe(true);
    expect((error as LockedError).holderRunId).toBe('run-1');
    expect((error as Error).message).toContain('run-1');
  });

  it('takes over the lock of a holder whose process is gone and fails that run', async () => {
    const gone = new Set<string>();
    const ledger = createMemoryLedger({ isHolderAlive: (holder) => !gone.has(holder.runId) });
    await ledger.startRun(start('run-1'));
    gone.add('run-1');
    await ledger.startRun(start('run-2'));
    expect((await ledger.getRun('run-1'))?.status).toBe('failed');
    expect((await ledger.getRun('run-2'))?.status).toBe('running');
  });

  it('keeps one live point per id, findable by content hash, and forgets deleted ones', async () => {
    const ledger = createMemoryLedger();
    await ledger.startRun(start('run-1'));
    const at = new Date();
    await ledger.commitBatch({
      runId: 'run-1',
      sinkId: 'sink',
      upserts: [upsert('p1', 'k1', 'h1'), upsert('p2', 'k2', 'h1')],
      deletes: [],
      failures: [],
      at,
    });
    await ledger.commitBatch({
      runId: 'run-1',
      sinkId: 'sink',
      upserts: [upsert('p1', 'k1', 'h2')],
      deletes: [{ pointId: 'p2', sourceId: 'src', key: 'k2' }],
      failures: [],
      at,
    });
    expect(await ledger.countPoints('sink')).toBe(1);
    expect((await ledger.findByContentHash('sink', 'm@2', ['h1'])).size).toBe(0);
    expect((await ledger.findByContentHash('sink', 'm@2', ['h2'])).get('h2')?.pointId).toBe('p1');
    const [provenance] = await ledger.provenance({ key: 'k2' });
    expect(provenance!.point).toBeUndefined();
    expect(provenance!.history.map((entry) => entry.action)).toEqual(['upsert', 'delete']);
  });

  it('commits nothing of a batch with one bad row', async () => {
    const ledger = createMemoryLedger();
    await ledger.startRun(start('run-1'));
    const bad = { ...upsert('p2', 'k2', 'h2'), key: null as unknown as string };
    await expect(
      ledger.commitBatch({
        runId: 'run-1',
        sinkId: 'sink',
        upserts: [upsert('p1', 'k1', 'h1'), bad],
        deletes: [],
        failures: [],
        at: new Date(),
      }),
    ).rejects.toThrow(/nothing of the batch/);
    expect(await ledger.countPoints('sink')).toBe(0);
  });

  it('is unusable after close, and close twice is fine', async () => {
    const ledger = createMemoryLedger();
    await ledger.close();
    await ledger.close();
    await expect(ledger.recentRuns()).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'plugin-state'),
    );
  });

  it('lists every live point of the keys of one source (a chunked row has several)', async () => {
    const ledger = createMemoryLedger();
    await ledger.startRun(start('r1'));
    const batchOf = (parts: object) => ({
      runId: 'r1',
      sinkId: 'sink',
      upserts: [],
      deletes: [],
      failures: [],
      at: new Date(),
      ...parts,
    });
    await ledger.commitBatch(
      batchOf({
        upserts: [
          upsert('a-0', 'a', 'h0'),
          upsert('a-1', 'a', 'h1'),
          upsert('b-0', 'b', 'h2'),
          { ...upsert('x-0', 'a', 'h3'), sourceId: 'other' },
        ],
      }),
    );
    await ledger.commitBatch(batchOf({ deletes: [{ pointId: 'a-1', sourceId: 'src', key: 'a' }] }));
    const points = await ledger.pointsOfKeys('sink', 'src', ['a', 'b']);
    expect(points.map((point) => point.pointId).sort()).toEqual(['a-0', 'b-0']);
    expect(await ledger.pointsOfKeys('sink', 'src', ['c'])).toEqual([]);
  });
});
