import { expect } from 'vitest';
import type { LedgerCase } from './test-ledger-kit.js';

/** Keys and ids a ledger must keep byte for byte: scripts, emoji, quotes, a long key. */
const unicodeKeys = ['ключ-é', '鍵/キー', '🙂 emoji 🚀', `quote ' " \\ %_`, 'x'.repeat(2000)];

/** Batches, live points and content-hash lookups. */
export const pointCases: LedgerCase[] = [
  {
    name: 'answers reads on a new ledger before anything was written',
    async run(kit) {
      const ledger = await kit.fresh();
      expect((await ledger.getPoints('sink-a', ['point-1'])).size).toBe(0);
      expect((await ledger.findByContentHash('sink-a', 'model/one@8', ['h'])).size).toBe(0);
      expect(await ledger.countPoints('sink-a')).toBe(0);
      expect(await ledger.recentRuns()).toEqual([]);
      const ref = { sourceId: 'source-a', sinkId: 'sink-a', fingerprint: 'model/one@8' };
      expect(await ledger.getCheckpoint(ref)).toBeUndefined();
    },
  },
  {
    name: 'commits a batch atomically: one bad row and nothing of it is kept',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const bad = { ...kit.upsert('bad'), key: null as unknown as string };
      const deletes = [{ pointId: 'point-keep', sourceId: 'source-a', key: 'keep' }];
      await ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('keep')] }));
      await expect(
        ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('good'), bad], deletes })),
      ).rejects.toThrow();
      expect([...(await ledger.getPoints('sink-a', ['point-good', 'point-keep'])).keys()]).toEqual([
        'point-keep',
      ]);
      expect(await ledger.countPoints('sink-a')).toBe(1);
      expect((await ledger.findByContentHash('sink-a', 'model/one@8', ['hash-good'])).size).toBe(0);
    },
  },
  {
    name: 'returns the live points of a sink among the ids asked for, the last write winning',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const { upsert } = kit;
      await ledger.commitBatch(
        kit.batch(run, { upserts: [upsert('1'), upsert('2'), upsert('3')] }),
      );
      const changed = upsert('2', { contentHash: 'hash-2b', tokens: 12 });
      await ledger.commitBatch(kit.batch(run, { upserts: [changed] }));
      const points = await ledger.getPoints('sink-a', ['point-1', 'point-2', 'point-missing']);
      expect([...points.keys()].sort()).toEqual(['point-1', 'point-2']);
      expect(points.get('point-2')).toMatchObject({
        ...changed,
        sinkId: 'sink-a',
        runId: run.runId,
      });
      expect(points.get('point-2')!.updatedAt).toBeInstanceOf(Date);
      expect(await ledger.countPoints('sink-a')).toBe(3);
      expect((await ledger.getPoints('sink-b', ['point-1'])).size).toBe(0);
      expect((await ledger.getPoints('sink-a', [])).size).toBe(0);
    },
  },
  {
    name: 'applies the deletes of a batch before its upserts, and ignores a delete of nothing',
    async run(kit) {
      const { ledger, run } = await kit.started();
      await ledger.commitBatch(kit.batch(run, { upserts: [kit.upsert('1')] }));
      const gone = (key: string) => ({ pointId: `point-${key}`, sourceId: 'source-a', key });
      await ledger.commitBatch(
        kit.batch(run, {
          deletes: [gone('1'), gone('never')],
          upserts: [kit.upsert('1', { contentHash: 'again' })],
        }),
      );
      expect((await ledger.getPoints('sink-a', ['point-1'])).get('point-1')?.contentHash).toBe(
        'again',
      );
      await ledger.commitBatch(kit.batch(run, { deletes: [gone('1')] }));
      expect(await ledger.countPoints('sink-a')).toBe(0);
    },
  },
  {
    name: 'finds a live point by content hash, per sink and fingerprint',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const { upsert } = kit;
      const two = { fingerprint: 'model/two@8', model: 'model/two' };
      await ledger.commitBatch(
        kit.batch(run, {
          upserts: [
            upsert('1', { contentHash: 'same' }),
            upsert('2', { contentHash: 'same' }),
            upsert('3', { contentHash: 'other', ...two }),
            upsert('4', { contentHash: 'gone' }),
          ],
        }),
      );
      await ledger.commitBatch(
        kit.batch(run, {
          upserts: [upsert('1', { contentHash: 'changed' })],
          deletes: [{ pointId: 'point-4', sourceId: 'source-a', key: '4' }],
        }),
      );
      const hashes = ['same', 'other', 'gone', 'changed', 'never'];
      const found = await ledger.findByContentHash('sink-a', 'model/one@8', hashes);
      expect([...found.keys()].sort()).toEqual(['changed', 'same']);
      expect(found.get('same')!.pointId).toBe('point-2');
      expect(found.get('changed')!.pointId).toBe('point-1');
      const other = await ledger.findByContentHash('sink-a', 'model/two@8', ['other']);
      expect(other.get('other')!.pointId).toBe('point-3');
      expect((await ledger.findByContentHash('sink-b', 'model/one@8', ['same'])).size).toBe(0);
    },
  },
  {
    name: "keeps its own copies: changing the caller's batch or a returned point changes nothing",
    async run(kit) {
      const { ledger, run } = await kit.started();
      const upsert = kit.upsert('1');
      await ledger.commitBatch(kit.batch(run, { upserts: [upsert] }));
      upsert.contentHash = 'mutated';
      upsert.key = 'mutated';
      const first = (await ledger.getPoints('sink-a', ['point-1'])).get('point-1')!;
      expect(first).toMatchObject({ key: '1', contentHash: 'hash-1' });
      first.contentHash = 'mutated too';
      first.updatedAt.setTime(0);
      const again = (await ledger.getPoints('sink-a', ['point-1'])).get('point-1')!;
      expect(again.contentHash).toBe('hash-1');
      expect(again.updatedAt.getTime()).not.toBe(0);
    },
  },
  {
    name: 'keeps unicode keys, sources and sinks byte for byte',
    async run(kit) {
      const sinkId = 'qdrant://hôte:6333/коллекция-🙂';
      const sourceId = 'delta:///tables/表格 ünïcode';
      const { ledger, run } = await kit.started({ sinkId, sourceId });
      const upserts = unicodeKeys.map((key, index) =>
        kit.upsert(key, { pointId: `point-${index}`, sourceId, contentHash: `hash-${index}` }),
      );
      await ledger.commitBatch(kit.batch(run, { upserts }));
      const found = await ledger.getPoints(
        sinkId,
        upserts.map((point) => point.pointId),
      );
      expect(unicodeKeys.map((_, index) => found.get(`point-${index}`)?.key)).toEqual(unicodeKeys);
      expect(found.get('point-0')).toMatchObject({ sinkId, sourceId });
      expect(await ledger.countPoints(sinkId)).toBe(unicodeKeys.length);
      expect(await ledger.countPoints('qdrant://hote:6333/коллекция-🙂')).toBe(0);
    },
  },
  {
    name: 'commits and reads back a large batch (5,000 points) whole',
    async run(kit) {
      const { ledger, run } = await kit.started();
      const keys = Array.from({ length: 5000 }, (_, index) => `k${index}`);
      await ledger.commitBatch(kit.batch(run, { upserts: keys.map((key) => kit.upsert(key)) }));
      expect(await ledger.countPoints('sink-a')).toBe(5000);
      const ids = keys.map((key) => `point-${key}`);
      expect((await ledger.getPoints('sink-a', ids)).size).toBe(5000);
      const hashes = keys.map((key) => `hash-${key}`);
      expect((await ledger.findByContentHash('sink-a', 'model/one@8', hashes)).size).toBe(5000);
      const deletes = keys.map((key) => ({ pointId: `point-${key}`, sourceId: 'source-a', key }));
      await ledger.commitBatch(kit.batch(run, { deletes: deletes.slice(0, 4999) }));
      expect([...(await ledger.getPoints('sink-a', ids)).keys()]).toEqual(['point-k4999']);
    },
  },
  {
    name: 'lands every one of concurrent batches of several runs',
    async run(kit) {
      const ledger = await kit.fresh();
      const runs = ['sink-a', 'sink-b', 'sink-c'].map((sinkId) => kit.run({ sinkId }));
      await Promise.all(runs.map((run) => ledger.startRun(run)));
      const batches = runs.flatMap((run) =>
        [0, 1, 2, 3].map((part) =>
          kit.batch(run, { upserts: [0, 1, 2].map((index) => kit.upsert(`${part}-${index}`)) }),
        ),
      );
      await Promise.all(batches.map((batch) => ledger.commitBatch(batch)));
      for (const run of runs) expect(await ledger.countPoints(run.sinkId)).toBe(12);
    },
  },
];
