import { expect } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import { expectStored, idsOf, scanAll, upsertInWrites } from './sink-assertions.js';
import type { SinkRule } from './sink-harness.js';
import { conformancePoint, hasCode, unitVector } from './testkit-helpers.js';

/** Points per `largeBatch` run, and the most points a declared-limit test writes at once. */
const largeBatch = 5000;
const mostTested = 10_000;

/** A refusal the engine will not retry: a DriftError that is not retryable. */
const refusal = (error: unknown) => DriftError.isInstance(error) && !error.isRetryable;

/** Limits: wrong-length vectors, declared batch sizes, large batches. */
export const limitRules: SinkRule[] = [
  {
    name: 'refuses vectors of the wrong length, writing nothing of that upsert',
    async run(h) {
      const { sink } = await h.fresh();
      const [good] = h.points(1);
      for (const length of [h.dimensions + 1, h.dimensions - 1]) {
        const bad = conformancePoint(`length-${length}`, unitVector(length, 5));
        await expect(sink.upsert([good!, bad]), `${length} dimensions`).rejects.toSatisfy(refusal);
      }
      expect(await sink.count()).toBe(0);
      await expect(
        sink.search(unitVector(h.dimensions + 1, 5), { k: 1 }),
        'a query of the wrong length',
      ).rejects.toSatisfy(refusal);
    },
  },
  {
    name: 'takes maxPointsPerWrite points in one upsert, and never keeps part of a larger one',
    async run(h) {
      const { sink } = await h.fresh();
      const most = sink.capabilities?.maxPointsPerWrite;
      if (most === undefined) return;
      const size = Math.min(most, mostTested);
      const first = h.points(size);
      await expect(sink.upsert(first), `${size} points in one upsert`).resolves.toBeUndefined();
      expect(await sink.count(), `points kept of ${size} in one upsert`).toBe(size);
      await expectStored(sink, [first[0]!, first[size - 1]!]);
      if (most >= mostTested) return;
      // The engine never sends more; a sink handed more refuses it whole or takes it whole.
      const over = h.points(most + 1, most);
      const outcome = await sink.upsert(over).then(
        () => 'taken',
        (error: unknown) => error,
      );
      if (outcome !== 'taken') {
        expect(outcome, 'an over-sized upsert').toSatisfy(hasCode('limit-exceeded'));
        expect(await sink.count(), 'points kept of a refused upsert').toBe(most);
      } else {
        expect(await sink.count(), 'points kept of an over-sized upsert').toBe(2 * most + 1);
        await expectStored(sink, [over[0]!, over[most]!]);
      }
    },
  },
  {
    name: `writes, counts, scans and reads ${largeBatch} points`,
    needs: 'largeBatch',
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(largeBatch);
      await upsertInWrites(sink, written);
      expect(await sink.count()).toBe(largeBatch);
      const seen = await scanAll(sink);
      expect(seen).toHaveLength(largeBatch);
      expect(idsOf(seen)).toEqual(idsOf(written));
      await expectStored(
        sink,
        written.filter((_, index) => index % 250 === 0 || index === largeBatch - 1),
      );
      const [hit] = await sink.search(written[4321]!.vector, { k: 1 });
      expect(hit!.id).toBe(written[4321]!.id);
    },
  },
];
