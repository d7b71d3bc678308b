import { expect } from 'vitest';
import { expectStored, idsOf } from './sink-assertions.js';
import type { SinkRule } from './sink-harness.js';
import { collect, hasCode, unitVector } from './testkit-helpers.js';

/** The store: what `open` makes or verifies, what outlives a sink, `close`. */
export const storeRules: SinkRule[] = [
  {
    name: 'declares specification v1, an id without credentials and its capabilities; starts empty',
    async run(h) {
      const { sink } = await h.fresh();
      expect(sink.specificationVersion).toBe('v1');
      expect(typeof sink.id).toBe('string');
      expect(sink.id.length).toBeGreaterThan(0);
      expect(sink.id).not.toMatch(/:[^/@:]+@/);
      if (sink.capabilities) {
        expect(typeof sink.capabilities.concurrentWrites).toBe('boolean');
        const most = sink.capabilities.maxPointsPerWrite;
        if (most !== undefined) expect(Number.isInteger(most) && most > 0).toBe(true);
      }
      expect(await sink.count()).toBe(0);
      expect(await sink.search(unitVector(h.dimensions, 1), { k: 3 })).toEqual([]);
      expect(await collect(sink.scan())).toEqual([]);
    },
  },
  {
    name: 'opens an existing store again with the same dimension and model',
    async run(h) {
      const { sink, name } = await h.fresh();
      await sink.upsert(h.points(1));
      const second = await h.again(sink, name);
      await second.open(h.openOptions);
      expect(await second.count()).toBe(1);
    },
  },
  {
    name: 'says `created` only on the open that made the store (when it says at all)',
    async run(h) {
      const name = h.newName();
      const sink = await h.createSink(name);
      const first = await sink.open(h.openOptions);
      if (first?.created === undefined) return;
      if (first.created) expect(await sink.count()).toBe(0);
      await sink.upsert(h.points(1));
      if (!h.reopen) return;
      const second = await h.again(sink, name);
      expect((await second.open(h.openOptions))?.created).toBe(false);
    },
  },
  {
    name: 'refuses another dimension with a dimension-mismatch error',
    async run(h) {
      const { sink, name } = await h.fresh();
      await sink.upsert(h.points(1));
      const second = await h.again(sink, name);
      await expect(
        second.open({ ...h.openOptions, dimensions: h.dimensions + 1 }),
      ).rejects.toSatisfy(hasCode('dimension-mismatch'));
    },
  },
  {
    name: 'refuses vectors of another model with a dimension-mismatch error',
    async run(h) {
      const { sink, name } = await h.fresh();
      await sink.upsert(h.points(1));
      const second = await h.again(sink, name);
      await expect(
        second.open({ ...h.openOptions, model: 'conformance/other-model' }),
      ).rejects.toSatisfy(hasCode('dimension-mismatch'));
    },
  },
  {
    name: 'closes idempotently',
    async run(h) {
      const { sink } = await h.fresh();
      await sink.upsert(h.points(1));
      await sink.close();
      await sink.close();
    },
  },
  {
    name: 'shows the data to a sink reopened on the same store',
    needs: 'reopen',
    async run(h) {
      const { sink, name } = await h.fresh();
      const written = h.points(4);
      await sink.upsert(written);
      await sink.delete([written[3]!.id]);
      await sink.close();
      const reopened = await h.createSink(name);
      await reopened.open(h.openOptions);
      expect(await reopened.count()).toBe(3);
      await expectStored(reopened, written.slice(0, 3));
      expect(idsOf(await reopened.retrieve(idsOf(written)))).toEqual(idsOf(written.slice(0, 3)));
      const [hit] = await reopened.search(written[1]!.vector, { k: 1 });
      expect(hit!.id).toBe(written[1]!.id);
    },
  },
];
