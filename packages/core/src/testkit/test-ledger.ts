import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import type { LockedError } from '../errors/errors.js';
import type { Ledger, LedgerBatch, RunCounters, RunStart } from '../spec/ledger-v1.js';

export interface TestLedgerOptions {
  /** A new, empty ledger. */
  create: () => Promise<Ledger> | Ledger;
  /**
   * Makes the lock held by `runId` look abandoned (its process gone) as the ledger's
   * own staleness check sees it, e.g. by writing a dead pid into the lock row.
   */
  abandonLock: (ledger: Ledger, runId: string) => Promise<void> | void;
  /** Per-test timeout; default 30 s. */
  timeoutMs?: number;
  /** Suite title; default `ledger conformance`. */
  title?: string;
}

type Upsert = LedgerBatch['upserts'][number];

const zero: RunCounters = {
  rowsProcessed: 0,
  rowsDeduped: 0,
  rowsEmbedded: 0,
  rowsReused: 0,
  rowsSkipped: 0,
  rowsFailed: 0,
  rowsDeleted: 0,
  tokens: 0,
  costUsd: 0,
};

/**
 * Registers the Ledger conformance suite (vitest `describe`/`it`): runs and the
 * (source, sink) lock with takeover of an abandoned one, atomic batches, live points
 * and content-hash lookups, checkpoints, cost by every dimension, provenance,
 * failures, erasure receipts and recent runs.
 */
export function testLedger(options: TestLedgerOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const ledgers: Ledger[] = [];
  const fresh = async (): Promise<Ledger> => {
    const ledger = await options.create();
    ledgers.push(ledger);
    return ledger;
  };
  const start = (overrides: Partial<RunStart> = {}): RunStart => ({
    runId: randomUUID(),
    kind: 'embed',
    sourceId: 'source-a',
    sinkId: 'sink-a',
    model: 'model/one',
    fingerprint: 'model/one@8',
    usdPerMillionTokens: 20,
    priceSource: 'conformance',
    startedAt: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  });
  const upsert = (key: string, overrides: Partial<Upsert> = {}): Upsert => ({
    pointId: `point-${key}`,
    sourceId: 'source-a',
    key,
    contentHash: `hash-${key}`,
    fingerprint: 'model/one@8',
    model: 'model/one',
    tokens: 10,
    costUsd: 0.0002,
    ...overrides,
  });
  const batch = (run: RunStart, parts: Partial<LedgerBatch>): LedgerBatch => ({
    runId: run.runId,
    sinkId: run.sinkId,
    upserts: [],
    deletes: [],
    failures: [],
    at: new Date('2026-01-01T00:01:00.000Z'),
    ...parts,
  });
  const hasCode = (code: string) => (error: unknown) => DriftError.hasCode(error, code);

  describe(options.title ?? 'ledger conformance', () => {
    afterEach(async () => {
      for (const ledger of ledgers.splice(0)) await ledger.close().catch(() => undefined);
    });

    it(
      'declares specification v1',
      async () => {
        const ledger = await fresh();
        expect(ledger.specificationVersion).toBe('v1');
      },
      timeout,
    );

    it(
      'records a run from start to finish',
      async () => {
        const ledger = await fresh();
        const run = start({
          kind: 'sync',
          fromVersion: 3,
          toVersion: 7,
          options: { textColumn: 'body', keyColumns: ['id'] },
        });
        await ledger.startRun(run);
        const running = await ledger.getRun(run.runId);
        expect(running).toMatchObject({
          runId: run.runId,
          kind: 'sync',
          sourceId: 'source-a',
          sinkId: 'sink-a',
          model: 'model/one',
          fingerprint: 'model/one@8',
          usdPerMillionTokens: 20,
          priceSource: 'conformance',
          fromVersion: 3,
          toVersion: 7,
          options: { textColumn: 'body', keyColumns: ['id'] },
          status: 'running',
        });
        expect(running!.startedAt.getTime()).toBe(run.startedAt.getTime());
        const counters = {
          ...zero,
          rowsProcessed: 5,
          rowsEmbedded: 4,
          rowsFailed: 1,
          tokens: 40,
          costUsd: 0.0008,
        };
        const finishedAt = new Date('2026-01-01T00:05:00.000Z');
        await ledger.finishRun(run.runId, {
          status: 'partial',
          counters,
          finishedAt,
          error: '1 row failed',
        });
        const finished = await ledger.getRun(run.runId);
        expect(finished).toMatchObject({ status: 'partial', counters, error: '1 row failed' });
        expect(finished!.finishedAt!.getTime()).toBe(finishedAt.getTime());
        expect(await ledger.getRun(randomUUID())).toBeUndefined();
      },
      timeout,
    );

    it(
      'refuses a second run on the same source and sink, naming the run that holds it',
      async () => {
        const ledger = await fresh();
        const first = start();
        await ledger.startRun(first);
        const error = await ledger.startRun(start()).catch((caught: unknown) => caught);
        expect(error).toSatisfy(hasCode('locked'));
        expect((error as LockedError).holderRunId).toBe(first.runId);
        expect((error as Error).message).toContain(first.runId);
        // Other pairs are free.
        await ledger.startRun(start({ sinkId: 'sink-b' }));
        await ledger.startRun(start({ sourceId: 'source-b' }));
        // Finishing releases the lock.
        await ledger.finishRun(first.runId, {
          status: 'succeeded',
          counters: zero,
          finishedAt: new Date(),
        });
        await ledger.startRun(start());
      },
      timeout,
    );

    it(
      'takes over a lock whose process is gone',
      async () => {
        const ledger = await fresh();
        const abandoned = start();
        await ledger.startRun(abandoned);
        await options.abandonLock(ledger, abandoned.runId);
        const next = start();
        await ledger.startRun(next);
        expect((await ledger.getRun(next.runId))!.status).toBe('running');
        expect((await ledger.getRun(abandoned.runId))!.status).not.toBe('running');
        await expect(ledger.startRun(start())).rejects.toSatisfy(hasCode('locked'));
      },
      timeout,
    );

    it(
      'commits a batch atomically: one bad row and nothing of it is kept',
      async () => {
        const ledger = await fresh();
        const run = start();
        await ledger.startRun(run);
        const bad = { ...upsert('bad'), key: null as unknown as string };
        await expect(
          ledger.commitBatch(
            batch(run, {
              upserts: [upsert('good'), bad],
              failures: [
                {
                  sourceId: 'source-a',
                  key: 'k',
                  pointId: 'point-k',
                  code: 'input-rejected',
                  reason: 'x',
                },
              ],
            }),
          ),
        ).rejects.toThrow();
        expect((await ledger.getPoints('sink-a', ['point-good'])).size).toBe(0);
        expect(await ledger.countPoints('sink-a')).toBe(0);
        expect(await ledger.failures({ runId: run.runId })).toEqual([]);
        const provenance = await ledger.provenance({ pointId: 'point-good' });
        expect(provenance.flatMap((entry) => entry.history)).toEqual([]);
        expect(await ledger.cost({ by: 'run' })).toEqual([]);
      },
      timeout,
    );

    it(
      'returns the live points of a sink among the ids asked for',
      async () => {
        const ledger = await fresh();
        const run = start();
        await ledger.startRun(run);
        await ledger.commitBatch(batch(run, { upserts: [upsert('1'), upsert('2'), upsert('3')] }));
        await ledger.commitBatch(
          batch(run, { upserts: [upsert('2', { contentHash: 'hash-2b', tokens: 12 })] }),
        );
        const points = await ledger.getPoints('sink-a', ['point-1', 'point-2', 'point-missing']);
        expect([...points.keys()].sort()).toEqual(['point-1', 'point-2']);
        expect(points.get('point-2')).toMatchObject({
          sinkId: 'sink-a',
          pointId: 'point-2',
          sourceId: 'source-a',
          key: '2',
          contentHash: 'hash-2b',
          fingerprint: 'model/one@8',
          model: 'model/one',
          tokens: 12,
          runId: run.runId,
        });
        expect(points.get('point-2')!.updatedAt).toBeInstanceOf(Date);
        expect(await ledger.countPoints('sink-a')).toBe(3);
        expect((await ledger.getPoints('sink-b', ['point-1'])).size).toBe(0);
        expect(await ledger.countPoints('sink-b')).toBe(0);
        expect((await ledger.getPoints('sink-a', [])).size).toBe(0);
      },
      timeout,
    );

    it(
      'finds a live point by content hash, per sink and fingerprint',
      async () => {
        const ledger = await fresh();
        const run = start();
        await ledger.startRun(run);
        await ledger.commitBatch(
          batch(run, {
            upserts: [
              upsert('1', { contentHash: 'same' }),
              upsert('2', { contentHash: 'same' }),
              upsert('3', { contentHash: 'other', fingerprint: 'model/two@8', model: 'model/two' }),
              upsert('4', { contentHash: 'gone' }),
            ],
          }),
        );
        await ledger.commitBatch(
          batch(run, {
            upserts: [upsert('1', { contentHash: 'changed' })],
            deletes: [{ pointId: 'point-4', sourceId: 'source-a', key: '4' }],
          }),
        );
        const found = await ledger.findByContentHash('sink-a', 'model/one@8', [
          'same',
          'other',
          'gone',
          'changed',
          'never',
        ]);
        expect([...found.keys()].sort()).toEqual(['changed', 'same']);
        expect(found.get('same')!.pointId).toBe('point-2');
        expect(found.get('changed')!.pointId).toBe('point-1');
        expect(
          (await ledger.findByContentHash('sink-a', 'model/two@8', ['other'])).get('other')!
            .pointId,
        ).toBe('point-3');
        expect((await ledger.findByContentHash('sink-b', 'model/one@8', ['same'])).size).toBe(0);
      },
      timeout,
    );

    it(
      'keeps checkpoints per source, sink and fingerprint',
      async () => {
        const ledger = await fresh();
        const ref = { sourceId: 'source-a', sinkId: 'sink-a', fingerprint: 'model/one@8' };
        expect(await ledger.getCheckpoint(ref)).toBeUndefined();
        await ledger.setCheckpoint({ ...ref, version: 3, runId: 'run-1' });
        await ledger.setCheckpoint({
          ...ref,
          fingerprint: 'model/two@8',
          version: 9,
          runId: 'run-2',
        });
        expect(await ledger.getCheckpoint(ref)).toMatchObject({
          ...ref,
          version: 3,
          runId: 'run-1',
        });
        expect((await ledger.getCheckpoint(ref))!.updatedAt).toBeInstanceOf(Date);
        await ledger.setCheckpoint({ ...ref, version: 5, runId: 'run-3' });
        expect(await ledger.getCheckpoint(ref)).toMatchObject({ version: 5, runId: 'run-3' });
        expect(await ledger.getCheckpoint({ ...ref, fingerprint: 'model/two@8' })).toMatchObject({
          version: 9,
        });
        expect(await ledger.getCheckpoint({ ...ref, sinkId: 'sink-b' })).toBeUndefined();
        expect(await ledger.getCheckpoint({ ...ref, sourceId: 'source-b' })).toBeUndefined();
      },
      timeout,
    );

    it(
      'adds cost up by model, sink, source and run to the run totals',
      async () => {
        const ledger = await fresh();
        const one = start();
        const two = start({ sinkId: 'sink-b', model: 'model/two', fingerprint: 'model/two@8' });
        const three = start({ sourceId: 'source-b' });
        for (const run of [one, two, three]) await ledger.startRun(run);
        await ledger.commitBatch(
          batch(one, {
            upserts: [
              upsert('1', { tokens: 100, costUsd: 0.002 }),
              upsert('2', { tokens: 50, costUsd: 0.001 }),
              // A reused vector: no tokens, no cost, not an embedding paid for.
              upsert('3', { tokens: 0, costUsd: 0 }),
            ],
          }),
        );
        await ledger.commitBatch(
          batch(two, {
            upserts: [
              upsert('1', {
                tokens: 30,
                costUsd: 0.0006,
                model: 'model/two',
                fingerprint: 'model/two@8',
              }),
            ],
          }),
        );
        await ledger.commitBatch(
          batch(three, {
            upserts: [
              upsert('9', {
                sourceId: 'source-b',
                pointId: 'point-b9',
                tokens: 7,
                costUsd: 0.00014,
              }),
            ],
          }),
        );
        // A delete does not refund what was paid.
        await ledger.commitBatch(
          batch(one, { deletes: [{ pointId: 'point-2', sourceId: 'source-a', key: '2' }] }),
        );
        const totals = { tokens: 187, costUsd: 0.00374, embeddings: 4 };
        for (const [run, tokens, costUsd] of [
          [one, 150, 0.003],
          [two, 30, 0.0006],
          [three, 7, 0.00014],
        ] as const) {
          await ledger.finishRun(run.runId, {
            status: 'succeeded',
            counters: { ...zero, tokens, costUsd },
            finishedAt: new Date(),
          });
        }
        const byRun = await ledger.cost({ by: 'run' });
        expect(byRun).toHaveLength(3);
        for (const run of [one, two, three]) {
          const row = byRun.find((candidate) => candidate.group === run.runId);
          const record = await ledger.getRun(run.runId);
          expect(row!.tokens).toBe(record!.counters.tokens);
          expect(row!.costUsd).toBeCloseTo(record!.counters.costUsd, 10);
          expect(row!.runs).toBe(1);
        }
        expect(byRun.find((row) => row.group === one.runId)!.embeddings).toBe(2);
        const sum = (rows: { tokens: number; costUsd: number; embeddings: number }[]) => ({
          tokens: rows.reduce((total, row) => total + row.tokens, 0),
          costUsd: rows.reduce((total, row) => total + row.costUsd, 0),
          embeddings: rows.reduce((total, row) => total + row.embeddings, 0),
        });
        for (const by of ['model', 'sink', 'source', 'run'] as const) {
          const total = sum(await ledger.cost({ by }));
          expect(total.tokens, `tokens by ${by}`).toBe(totals.tokens);
          expect(total.costUsd, `cost by ${by}`).toBeCloseTo(totals.costUsd, 10);
          expect(total.embeddings, `embeddings by ${by}`).toBe(totals.embeddings);
        }
        const byModel = await ledger.cost({ by: 'model' });
        expect(byModel.find((row) => row.group === 'model/one')).toMatchObject({
          tokens: 157,
          runs: 2,
        });
        expect(byModel.find((row) => row.group === 'model/two')).toMatchObject({
          tokens: 30,
          runs: 1,
        });
        const bySink = await ledger.cost({ by: 'sink' });
        expect(bySink.find((row) => row.group === 'sink-b')).toMatchObject({ tokens: 30 });
        const bySource = await ledger.cost({ by: 'source' });
        expect(bySource.find((row) => row.group === 'source-a')).toMatchObject({
          tokens: 180,
          runs: 2,
        });
        expect(bySource.find((row) => row.group === 'source-b')).toMatchObject({
          tokens: 7,
          runs: 1,
        });
        expect(
          await ledger.cost({ by: 'run', since: new Date('2100-01-01T00:00:00.000Z') }),
        ).toEqual([]);
        expect(
          await ledger.cost({ by: 'run', until: new Date('2000-01-01T00:00:00.000Z') }),
        ).toEqual([]);
        expect(
          await ledger.cost({ by: 'run', since: new Date('2000-01-01T00:00:00.000Z') }),
        ).toHaveLength(3);
      },
      timeout,
    );

    it(
      'tells the provenance of a point and of a key, history oldest first',
      async () => {
        const ledger = await fresh();
        const first = start();
        await ledger.startRun(first);
        await ledger.commitBatch(
          batch(first, {
            upserts: [upsert('1', { contentHash: 'v1' }), upsert('2')],
            at: new Date('2026-01-01T00:01:00Z'),
          }),
        );
        await ledger.finishRun(first.runId, {
          status: 'succeeded',
          counters: zero,
          finishedAt: new Date(),
        });
        const second = start({ startedAt: new Date('2026-01-02T00:00:00Z') });
        await ledger.startRun(second);
        await ledger.commitBatch(
          batch(second, {
            upserts: [upsert('1', { contentHash: 'v2' })],
            at: new Date('2026-01-02T00:01:00Z'),
          }),
        );
        await ledger.commitBatch(
          batch(second, {
            deletes: [{ pointId: 'point-2', sourceId: 'source-a', key: '2' }],
            at: new Date('2026-01-02T00:02:00Z'),
          }),
        );

        const [live] = await ledger.provenance({ pointId: 'point-1' });
        expect(live!.point).toMatchObject({
          pointId: 'point-1',
          contentHash: 'v2',
          runId: second.runId,
        });
        expect(live!.run).toMatchObject({ runId: second.runId });
        expect(
          live!.history.map((entry) => [entry.action, entry.contentHash, entry.runId]),
        ).toEqual([
          ['upsert', 'v1', first.runId],
          ['upsert', 'v2', second.runId],
        ]);
        expect(live!.history[0]).toMatchObject({
          sinkId: 'sink-a',
          sourceId: 'source-a',
          key: '1',
          fingerprint: 'model/one@8',
        });
        expect(live!.history[0]!.at).toBeInstanceOf(Date);

        const [deleted] = await ledger.provenance({ key: '2', sourceId: 'source-a' });
        expect(deleted!.point).toBeUndefined();
        expect(deleted!.history.map((entry) => [entry.action, entry.runId])).toEqual([
          ['upsert', first.runId],
          ['delete', second.runId],
        ]);
        expect(await ledger.provenance({ key: '2', sourceId: 'source-b' })).toEqual([]);
        expect(await ledger.provenance({ key: '2', sinkId: 'sink-b' })).toEqual([]);
        expect(await ledger.provenance({ pointId: 'point-unknown' })).toEqual([]);
      },
      timeout,
    );

    it(
      'records failures with their reason, by run and by sink',
      async () => {
        const ledger = await fresh();
        const run = start();
        await ledger.startRun(run);
        const failures = ['a', 'b', 'c'].map((key) => ({
          sourceId: 'source-a',
          key,
          pointId: `point-${key}`,
          code: 'input-rejected',
          reason: `input ${key} is too long`,
        }));
        await ledger.commitBatch(batch(run, { upserts: [upsert('ok')], failures }));
        const recorded = await ledger.failures({ runId: run.runId });
        expect(recorded).toHaveLength(3);
        expect(recorded.find((failure) => failure.key === 'b')).toMatchObject({
          runId: run.runId,
          sinkId: 'sink-a',
          sourceId: 'source-a',
          pointId: 'point-b',
          code: 'input-rejected',
          reason: 'input b is too long',
        });
        expect(recorded[0]!.at).toBeInstanceOf(Date);
        expect(await ledger.failures({ sinkId: 'sink-a' })).toHaveLength(3);
        expect(await ledger.failures({ sinkId: 'sink-b' })).toEqual([]);
        expect(await ledger.failures({ runId: randomUUID() })).toEqual([]);
        expect(await ledger.failures({ runId: run.runId, limit: 2 })).toHaveLength(2);
      },
      timeout,
    );

    it(
      'keeps a receipt of each erasure and drops the point from the live set',
      async () => {
        const ledger = await fresh();
        const run = start({ kind: 'forget' });
        await ledger.startRun(run);
        await ledger.commitBatch(batch(run, { upserts: [upsert('1'), upsert('2')] }));
        await ledger.recordErasure([
          {
            sinkId: 'sink-a',
            pointId: 'point-1',
            sourceId: 'source-a',
            key: '1',
            runId: run.runId,
            reason: 'GDPR request 42',
          },
        ]);
        expect((await ledger.getPoints('sink-a', ['point-1', 'point-2'])).has('point-1')).toBe(
          false,
        );
        expect(await ledger.countPoints('sink-a')).toBe(1);
        expect((await ledger.findByContentHash('sink-a', 'model/one@8', ['hash-1'])).size).toBe(0);
        const [provenance] = await ledger.provenance({ pointId: 'point-1' });
        expect(provenance!.point).toBeUndefined();
        const last = provenance!.history.at(-1)!;
        expect(last).toMatchObject({
          action: 'erase',
          runId: run.runId,
          key: '1',
          reason: 'GDPR request 42',
        });
        expect(last.at).toBeInstanceOf(Date);
      },
      timeout,
    );

    it(
      'lists recent runs newest first, per sink, up to a limit',
      async () => {
        const ledger = await fresh();
        const runs = [1, 2, 3, 4].map((day) =>
          start({
            startedAt: new Date(`2026-01-0${day}T00:00:00Z`),
            sinkId: day === 4 ? 'sink-b' : 'sink-a',
          }),
        );
        for (const run of runs) {
          await ledger.startRun(run);
          await ledger.finishRun(run.runId, {
            status: 'succeeded',
            counters: zero,
            finishedAt: new Date(),
          });
        }
        const all = await ledger.recentRuns();
        expect(all.map((run) => run.runId)).toEqual(
          [runs[3], runs[2], runs[1], runs[0]].map((run) => run!.runId),
        );
        const sinkA = await ledger.recentRuns({ sinkId: 'sink-a', limit: 2 });
        expect(sinkA.map((run) => run.runId)).toEqual([runs[2]!.runId, runs[1]!.runId]);
        expect(await ledger.recentRuns({ sinkId: 'sink-c' })).toEqual([]);
      },
      timeout,
    );

    it(
      'closes idempotently',
      async () => {
        const ledger = await fresh();
        await ledger.close();
        await ledger.close();
      },
      timeout,
    );
  });
}
