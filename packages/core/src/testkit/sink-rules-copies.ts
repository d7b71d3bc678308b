import { expect } from 'vitest';
import { copyPoints, expectStored, scanAll, scribble } from './sink-assertions.js';
import type { SinkRule } from './sink-harness.js';

/**
 * Copies, not references: the engine reuses its buffers, and an application may change
 * what it read. A sink that keeps the caller's objects, or hands out its own, loses data.
 */
export const copyRules: SinkRule[] = [
  {
    name: "copies the caller's vectors and payloads on upsert",
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(3);
      const original = copyPoints(written);
      await sink.upsert(written);
      for (const point of written) scribble(point);
      await expectStored(sink, original);
      const [hit] = await sink.search(original[1]!.vector, { k: 1 });
      expect(hit!.id).toBe(original[1]!.id);
      expect(hit!.payload).toEqual(original[1]!.payload);
    },
  },
  {
    name: 'hands out copies from retrieve, scan and search',
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(3);
      await sink.upsert(written);
      for (const point of await sink.retrieve(
        written.map((point) => point.id),
        { withVectors: true },
      ))
        scribble(point);
      await expectStored(sink, written);
      for (const point of await scanAll(sink, true)) scribble(point);
      await expectStored(sink, written);
      for (const hit of await sink.search(written[0]!.vector, { k: 3 })) scribble(hit);
      await expectStored(sink, written);
    },
  },
];
