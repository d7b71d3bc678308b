import { expect } from 'vitest';
import { expectVector, idsOf } from './sink-assertions.js';
import type { SinkRule } from './sink-harness.js';
import { axisVector, collect, conformancePoint, cosine, unitVector } from './testkit-helpers.js';

/** Reading: bounded scans and cosine search with honest scores. */
export const readRules: SinkRule[] = [
  {
    name: 'scans every point once, in bounded batches',
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(25);
      await sink.upsert(written.slice(0, 12));
      await sink.upsert(written.slice(12));
      const batches = await collect(sink.scan({ batchSize: 10, withVectors: true }));
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(10);
      }
      const seen = batches.flat();
      expect(seen).toHaveLength(25);
      expect(idsOf(seen)).toEqual(idsOf(written));
      const byId = new Map(written.map((point) => [point.id, point]));
      for (const point of seen) {
        expect(point.payload).toEqual(byId.get(point.id)!.payload);
        expectVector(point.vector, byId.get(point.id)!.vector);
      }
    },
  },
  {
    name: 'searches nearest first by cosine similarity, with scores and payloads',
    async run(h) {
      const { sink } = await h.fresh();
      const d = h.dimensions;
      const exact = conformancePoint('exact', axisVector(d, 0));
      const near = conformancePoint('near', axisVector(d, 0, 0.5));
      const orthogonal = conformancePoint('orthogonal', axisVector(d, 1));
      const opposite = conformancePoint(
        'opposite',
        axisVector(d, 0).map((x) => -x),
      );
      // Scaled: cosine ignores length.
      const scaled = conformancePoint(
        'scaled-near',
        axisVector(d, 0, 1).map((x) => x * 3),
      );
      await sink.upsert([opposite, orthogonal, scaled, near, exact]);
      const hits = await sink.search(axisVector(d, 0), { k: 3 });
      expect(hits.map((hit) => hit.payload.key)).toEqual(['exact', 'near', 'scaled-near']);
      expect(hits.map((hit) => hit.id)).toEqual([exact.id, near.id, scaled.id]);
      expect(hits[0]!.score).toBeCloseTo(1, 3);
      expect(hits[1]!.score).toBeCloseTo(1 / Math.sqrt(1.25), 3);
      expect(hits[2]!.score).toBeCloseTo(1 / Math.sqrt(2), 3);
      expect(hits[0]!.payload).toEqual(exact.payload);
      const all = await sink.search(axisVector(d, 0), { k: 10 });
      expect(all).toHaveLength(5);
      expect(all[4]!.payload.key).toBe('opposite');
      for (let index = 1; index < all.length; index++) {
        expect(all[index - 1]!.score).toBeGreaterThanOrEqual(all[index]!.score);
      }
    },
  },
  {
    name: 'scores in [-1, 1]: the same vector 1, the antipodal one -1, others their cosine',
    async run(h) {
      const { sink } = await h.fresh();
      const query = unitVector(h.dimensions, 99);
      const same = conformancePoint('same', query);
      const antipodal = conformancePoint(
        'antipodal',
        query.map((x) => -x),
      );
      const others = h.points(6);
      await sink.upsert([antipodal, ...others, same]);
      const hits = await sink.search(query, { k: 8 });
      expect(hits).toHaveLength(8);
      for (const hit of hits) {
        expect(hit.score).toBeGreaterThanOrEqual(-1 - 1e-3);
        expect(hit.score).toBeLessThanOrEqual(1 + 1e-3);
      }
      expect(hits[0]!.id).toBe(same.id);
      expect(hits[0]!.score).toBeCloseTo(1, 3);
      expect(hits[7]!.id).toBe(antipodal.id);
      expect(Math.abs(hits[7]!.score + 1)).toBeLessThanOrEqual(1e-3);
      const byId = new Map(others.map((point) => [point.id, point]));
      for (const hit of hits.slice(1, 7)) {
        expect(hit.score, hit.payload.key).toBeCloseTo(cosine(query, byId.get(hit.id)!.vector), 3);
      }
    },
  },
  {
    name: 'returns at most k hits',
    async run(h) {
      const { sink } = await h.fresh();
      await sink.upsert(h.points(10));
      expect(await sink.search(unitVector(h.dimensions, 3), { k: 4 })).toHaveLength(4);
      expect(await sink.search(unitVector(h.dimensions, 3), { k: 1 })).toHaveLength(1);
    },
  },
];
