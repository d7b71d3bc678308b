import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { CostRow } from '../../spec/ledger-reports-v1.js';
import type { LedgerCase } from './test-ledger-kit.js';

const sum = (rows: CostRow[], field: 'tokens' | 'costUsd' | 'embeddings') =>
  rows.reduce((total, row) => total + row[field], 0);

/** The reporting queries (`LedgerReportsV1`): runs, cost, provenance, failures, receipts. */
export const reportCases: LedgerCase[] = [
  {
    name: 'reads a run by id',
    async run(kit) {
      const { ledger, run } = await kit.started({ options: { textColumn: 'body' } });
      const reports = kit.reports(ledger);
      expect(await reports.getRun(run.runId)).toMatchObject({
        runId: run.runId,
        status: 'running',
      });
      await ledger.finishRun(run.runId, kit.finish({ status: 'failed', error: 'boom' }));
      expect(await reports.getRun(run.runId)).toMatchObject({ status: 'failed', error: 'boom' });
      expect(await reports.getRun(randomUUID())).toBeUndefined();
    },
  },
  {
    name: 'keeps no failure, history or cost of a batch that failed',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const reports = kit.reports(ledger);
      const failure = kit.failure('k');
      const bad = { ...kit.upsert('bad'), key: null as unknown as string };
      await expect(
        ledger.commitBatch(
          kit.batch(run, { upserts: [kit.upsert('good'), bad], failures: [failure] }),
        ),
      ).rejects.toThrow();
      expect(await reports.failures({ runId: run.runId })).toEqual([]);
      expect(
        (await reports.provenance({ pointId: 'point-good' })).flatMap((p) => p.history),
      ).toEqual([]);
      expect(await reports.cost({ by: 'run' })).toEqual([]);
    },
  },
  {
    name: 'adds cost up by model, sink, source and run, deletes refunding nothing',
    async run(kit) {
      const ledger = await kit.fresh();
      const reports = kit.reports(ledger);
      const two = { model: 'model/two', fingerprint: 'model/two@8' };
      const runs = [
        kit.run(),
        kit.run({ sinkId: 'sink-b', ...two }),
        kit.run({ sourceId: 'source-b' }),
      ];
      for (const run of runs) await ledger.startRun(run);
      const [one, second, third] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
      const paid = (key: string, tokens: number, extra = {}) =>
        kit.upsert(key, { tokens, costUsd: tokens * 2e-5, ...extra });
      // A reused vector (no tokens) is not an embedding paid for.
      await ledger.commitBatch(
        kit.batch(one, { upserts: [paid('1', 100), paid('2', 50), paid('3', 0)] }),
      );
      await ledger.commitBatch(kit.batch(second, { upserts: [paid('1', 30, two)] }));
      await ledger.commitBatch(
        kit.batch(third, { upserts: [paid('9', 7, { sourceId: 'source-b' })] }),
      );
      await ledger.commitBatch(
        kit.batch(one, { deletes: [{ pointId: 'point-2', sourceId: 'source-a', key: '2' }] }),
      );
      for (const by of ['model', 'sink', 'source', 'run'] as const) {
        const rows = await reports.cost({ by });
        expect(sum(rows, 'tokens'), `tokens by ${by}`).toBe(187);
        expect(sum(rows, 'costUsd'), `cost by ${by}`).toBeCloseTo(187 * 2e-5, 10);
        expect(sum(rows, 'embeddings'), `embeddings by ${by}`).toBe(4);
      }
      const group = async (by: 'model' | 'source' | 'run', name: string) =>
        (await reports.cost({ by })).find((row) => row.group === name);
      expect(await group('run', one.runId)).toMatchObject({ tokens: 150, embeddings: 2, runs: 1 });
      expect(await group('model', 'model/one')).toMatchObject({ tokens: 157, runs: 2 });
      expect(await group('source', 'source-a')).toMatchObject({ tokens: 180, runs: 2 });
      const byRun = await reports.cost({ by: 'run' });
      expect(byRun.map((row) => row.costUsd)).toEqual(
        [...byRun.map((row) => row.costUsd)].sort((a, b) => b - a),
      );
      expect(await reports.cost({ by: 'run', since: new Date('2100-01-01T00:00:00Z') })).toEqual(
        [],
      );
      expect(await reports.cost({ by: 'run', until: new Date('2000-01-01T00:00:00Z') })).toEqual(
        [],
      );
    },
  },
  {
    name: 'tells the provenance of a point and of a key, history oldest first',
    async run(kit) {
      const { ledger, run: first } = await kit.started();
      const reports = kit.reports(ledger);
      const at = (day: number, minute: number) => new Date(Date.UTC(2026, 0, day, 0, minute));
      const upserts = [kit.upsert('1', { contentHash: 'v1' }), kit.upsert('2')];
      await ledger.commitBatch(kit.batch(first, { upserts, at: at(1, 1) }));
      await ledger.finishRun(first.runId, kit.finish());
      const second = kit.run({ startedAt: at(2, 0) });
      await ledger.startRun(second);
      const changed = [kit.upsert('1', { contentHash: 'v2' })];
      await ledger.commitBatch(kit.batch(second, { upserts: changed, at: at(2, 1) }));
      const deletes = [{ pointId: 'point-2', sourceId: 'source-a', key: '2' }];
      await ledger.commitBatch(kit.batch(second, { deletes, at: at(2, 2) }));

      const [live] = await reports.provenance({ pointId: 'point-1' });
      expect(live!.point).toMatchObject({
        pointId: 'point-1',
        contentHash: 'v2',
        runId: second.runId,
      });
      expect(live!.run).toMatchObject({ runId: second.runId });
      const steps = live!.history.map((entry) => [entry.action, entry.contentHash, entry.runId]);
      expect(steps).toEqual([
        ['upsert', 'v1', first.runId],
        ['upsert', 'v2', second.runId],
      ]);
      expect(live!.history[0]).toMatchObject({
        sinkId: 'sink-a',
        key: '1',
        fingerprint: 'model/one@8',
      });
      expect(live!.history[0]!.at).toBeInstanceOf(Date);
      const [deleted] = await reports.provenance({ key: '2', sourceId: 'source-a' });
      expect(deleted!.point).toBeUndefined();
      expect(deleted!.history.map((entry) => [entry.action, entry.runId])).toEqual([
        ['upsert', first.runId],
        ['delete', second.runId],
      ]);
      expect(await reports.provenance({ key: '2', sourceId: 'source-b' })).toEqual([]);
      expect(await reports.provenance({ key: '2', sinkId: 'sink-b' })).toEqual([]);
      expect(await reports.provenance({ pointId: 'point-unknown' })).toEqual([]);
    },
  },
  {
    name: 'records failures with their reason, by run and by sink',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const reports = kit.reports(ledger);
      const failures = ['a', 'b', 'c'].map(kit.failure);
      await ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('ok')], failures }));
      const recorded = await reports.failures({ runId: run.runId });
      expect(recorded).toMatchObject(
        failures.map((failure) => ({ ...failure, runId: run.runId, sinkId: 'sink-a' })),
      );
      expect(recorded[0]!.at).toBeInstanceOf(Date);
      expect(await reports.failures({ sinkId: 'sink-a' })).toHaveLength(3);
      expect(await reports.failures({ sinkId: 'sink-b' })).toEqual([]);
      expect(await reports.failures({ runId: randomUUID() })).toEqual([]);
      expect(await reports.failures({ runId: run.runId, limit: 2 })).toHaveLength(2);
    },
  },
];

/** Reports over erasure: the history keeps the erasure, not the hashes; receipts read back. */
export const erasureReportCases: LedgerCase[] = [
  {
    name: 'keeps the erasure in the history, without content hashes, and its receipts',
    async run(kit) {
      const { ledger, run } = await kit.started({ kind: 'forget' });
      const reports = kit.reports(ledger);
      const failure = kit.failure('1');
      await ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('1')], failures: [failure] }));
      const entry = { sinkId: 'sink-a', pointId: 'point-1', sourceId: 'source-a', key: '1' };
      await ledger.recordErasure!([{ ...entry, runId: run.runId, reason: 'GDPR request 42' }]);
      const [provenance] = await reports.provenance({ pointId: 'point-1' });
      expect(provenance!.point).toBeUndefined();
      expect(provenance!.history.map((step) => step.contentHash)).toEqual([undefined, undefined]);
      expect(provenance!.history.at(-1)).toMatchObject({
        action: 'erase',
        reason: 'GDPR request 42',
      });
      expect(await reports.failures({ runId: run.runId })).toEqual([]);
      if (!reports.erasureReceipts) return;
      const checkedAt = new Date('2026-02-01T00:00:01Z');
      const proof = {
        sinkId: 'sink-a',
        pointId: 'point-1',
        runId: run.runId,
        wasLive: true,
        retrievedAfterDelete: 0,
        checkedAt,
      };
      const receipt = {
        keyDigest: 'cd'.repeat(32),
        sourceId: 'source-a',
        pointId: 'point-1',
        sinks: [proof],
        at: new Date('2026-02-01T00:00:02Z'),
      };
      await ledger.saveErasureReceipt!(receipt);
      expect(await reports.erasureReceipts(receipt.keyDigest)).toEqual([receipt]);
      expect(await reports.erasureReceipts('00'.repeat(32))).toEqual([]);
    },
  },
];
