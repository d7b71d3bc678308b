import { expect } from 'vitest';
import type { LivePoint } from '../../spec/ledger-v1.js';
import type { LedgerCase, LedgerKit } from './test-ledger-kit.js';

function need<T>(method: T | undefined, name: string, skip: string): T {
  if (typeof method !== 'function')
    throw new Error(`The ledger has no ${name}(): implement it or declare skip.${skip}.`);
  return method;
}

/** A ledger whose sink-a holds points 1..5 of source-a (3 deleted) and point 9 of source-b. */
async function withPoints(kit: LedgerKit) {
  const { ledger, run } = await kit.started();
  const { upsert } = kit;
  await ledger.commitBatch(
    kit.batch(run, {
      upserts: ['5', '1', '4', '2', '3'].map((key) => upsert(key)),
    }),
  );
  await ledger.commitBatch(
    kit.batch(run, {
      upserts: [upsert('9', { sourceId: 'source-b' })],
      deletes: [{ pointId: 'point-3', sourceId: 'source-a', key: '3' }],
    }),
  );
  return { ledger, run };
}

/** The sweep of a full embed and `verify`: live points of one source, page by page. */
export const sweepCases: LedgerCase[] = [
  {
    name: 'pages through the live points of one source in one sink, in point-id order',
    async run(kit) {
      const { ledger } = await withPoints(kit);
      const livePoints = need(ledger.livePoints, 'livePoints', 'sweep').bind(ledger);
      const seen: LivePoint[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await livePoints({
          sinkId: 'sink-a',
          sourceId: 'source-a',
          limit: 2,
          ...(after === undefined ? {} : { afterPointId: after }),
        });
        expect(page.length).toBeLessThanOrEqual(2);
        if (page.length === 0) break;
        seen.push(...page);
        after = page.at(-1)!.pointId;
      }
      expect(seen.map((point) => point.pointId)).toEqual([
        'point-1',
        'point-2',
        'point-4',
        'point-5',
      ]);
      expect(seen[0]).toMatchObject({ sinkId: 'sink-a', sourceId: 'source-a', key: '1' });
      const elsewhere = await livePoints({ sinkId: 'sink-b', sourceId: 'source-a', limit: 10 });
      expect(elsewhere).toEqual([]);
    },
  },
];

/** `forget`: erasure, the erased set, the sinks of a source, receipts. */
export const erasureCases: LedgerCase[] = [
  {
    name: 'erases points: gone from the live set and from content-hash lookups',
    async run(kit) {
      const { ledger, run } = await withPoints(kit);
      const recordErasure = need(ledger.recordErasure, 'recordErasure', 'erasure').bind(ledger);
      await recordErasure([
        { sinkId: 'sink-a', pointId: 'point-1', sourceId: 'source-a', key: '1', runId: run.runId },
      ]);
      expect([...(await ledger.getPoints('sink-a', ['point-1', 'point-2'])).keys()]).toEqual([
        'point-2',
      ]);
      expect(await ledger.countPoints('sink-a')).toBe(4);
      expect((await ledger.findByContentHash('sink-a', 'model/one@8', ['hash-1'])).size).toBe(0);
    },
  },
  {
    name: 'tells which points were erased, until they are written again',
    async run(kit) {
      const { ledger, run } = await withPoints(kit);
      const erasedPoints = need(ledger.erasedPoints, 'erasedPoints', 'erasure').bind(ledger);
      const entry = { sinkId: 'sink-a', sourceId: 'source-a', runId: run.runId };
      await ledger.recordErasure!([
        { ...entry, pointId: 'point-1', key: '1', reason: 'request 42' },
        { ...entry, pointId: 'point-2', key: '2' },
      ]);
      const ids = ['point-1', 'point-2', 'point-4', 'point-3'];
      expect([...(await erasedPoints(ids))].sort()).toEqual(['point-1', 'point-2']);
      await ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('2')] }));
      expect([...(await erasedPoints(ids))]).toEqual(['point-1']);
      expect((await erasedPoints([])).size).toBe(0);
    },
  },
  {
    name: 'lists the sinks a source was written to, and keeps receipts',
    async run(kit) {
      const { ledger } = await withPoints(kit);
      const sinksOfSource = need(ledger.sinksOfSource, 'sinksOfSource', 'erasure').bind(ledger);
      await ledger.startRun(kit.run({ sinkId: 'sink-z' }));
      expect(await sinksOfSource('source-a')).toEqual(['sink-a', 'sink-z']);
      expect(await sinksOfSource('source-none')).toEqual([]);
      const save = need(ledger.saveErasureReceipt, 'saveErasureReceipt', 'erasure').bind(ledger);
      const at = new Date('2026-02-01T00:00:00Z');
      await save({
        keyDigest: 'ab'.repeat(32),
        sourceId: 'source-a',
        pointId: 'point-1',
        sinks: [],
        at,
      });
    },
  },
];
