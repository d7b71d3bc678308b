import { expect } from 'vitest';
import type { Point, Sink } from '../spec/sink-v1.js';
import { expectStored, idsOf, scanAll } from './sink-assertions.js';
import type { SinkRule } from './sink-harness.js';
import { collect, hasCode, unitVector } from './testkit-helpers.js';

/** Every call but open and close, on `point`, each given `signal`. */
function everyCall(sink: Sink, point: Point, signal?: AbortSignal) {
  return {
    upsert: () => sink.upsert([point], { signal }),
    delete: () => sink.delete([point.id], { signal }),
    retrieve: () => sink.retrieve([point.id], { signal }),
    search: () => sink.search(unitVector(point.vector.length, 2), { k: 1, signal }),
    count: () => sink.count({ signal }),
    scan: () => collect(sink.scan({ signal })),
  };
}

async function expectEveryCallRejects(
  calls: ReturnType<typeof everyCall>,
  code: string,
  when: string,
): Promise<void> {
  for (const [name, call] of Object.entries(calls)) {
    await expect(
      Promise.resolve().then(() => call() as Promise<unknown>),
      `${name} ${when} rejects with ${code}`,
    ).rejects.toSatisfy(hasCode(code));
  }
}

/** Lifecycle and control: before open, after close, abort, overlapping writes. */
export const lifecycleRules: SinkRule[] = [
  {
    name: 'refuses every call before open with a plugin-state error',
    async run(h) {
      const sink = await h.createSink(h.newName());
      const calls = everyCall(sink, h.points(1)[0]!);
      await expectEveryCallRejects(calls, 'plugin-state', 'before open');
    },
  },
  {
    name: 'refuses every call after close with a plugin-state error',
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(2);
      await sink.upsert(written);
      await sink.close();
      await expectEveryCallRejects(everyCall(sink, written[0]!), 'plugin-state', 'after close');
    },
  },
  {
    name: 'refuses every call given an aborted signal, changing nothing',
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(2);
      await sink.upsert(written);
      const controller = new AbortController();
      controller.abort();
      const calls = everyCall(sink, written[0]!, controller.signal);
      await expectEveryCallRejects(calls, 'aborted', 'with an aborted signal');
      expect(await sink.count()).toBe(2);
      await expectStored(sink, written);
    },
  },
  {
    name: 'stays consistent when a write is aborted mid-call',
    async run(h) {
      const { sink } = await h.fresh();
      const size = Math.min(sink.capabilities?.maxPointsPerWrite ?? 1000, 1000);
      const written = h.points(size);
      const controller = new AbortController();
      const call = sink.upsert(written, { signal: controller.signal });
      setTimeout(() => controller.abort(), 0);
      const outcome = await call.then(
        () => undefined,
        (error: unknown) => error,
      );
      if (outcome !== undefined) expect(outcome, 'an aborted upsert').toSatisfy(hasCode('aborted'));
      // Each point is there whole, or not at all; count and scan agree; the sink still works.
      const seen = await scanAll(sink);
      expect(await sink.count()).toBe(seen.length);
      const byId = new Map(written.map((point) => [point.id, point]));
      await expectStored(
        sink,
        seen.map((point) => byId.get(point.id)!),
      );
      await sink.upsert(written);
      expect(await sink.count()).toBe(size);
    },
  },
  {
    name: 'takes overlapping writes when it declares concurrentWrites',
    needs: 'concurrentWrites',
    async run(h) {
      const { sink } = await h.fresh();
      if (sink.capabilities?.concurrentWrites !== true) return;
      const written = h.points(200);
      await sink.upsert(written.slice(0, 20));
      const writes: Promise<void>[] = [];
      for (let start = 20; start < 200; start += 20)
        writes.push(sink.upsert(written.slice(start, start + 20)));
      writes.push(sink.delete(idsOf(written.slice(0, 10))));
      await Promise.all(writes);
      expect(await sink.count()).toBe(190);
      expect(idsOf(await scanAll(sink))).toEqual(idsOf(written.slice(10)));
      await expectStored(sink, written.slice(10));
    },
  },
];
