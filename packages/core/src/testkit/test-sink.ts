import { afterEach, describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import { pointId } from '../identity/point-id.js';
import type { Point, Sink, SinkOpenOptions } from '../spec/sink-v1.js';
import {
  axisVector,
  collect,
  conformancePoint,
  randomToken,
  unitVector,
} from './testkit-helpers.js';

export interface TestSinkContext {
  /**
   * A name for the store of this test, `[a-z0-9_]`, at most 40 characters: map it to a
   * collection or table. The same name twice must reach the same store.
   */
  name: string;
}

export interface TestSinkCapabilities {
  /**
   * Whether a second sink created with the same name sees the first one's points
   * (default true). False for a sink whose store lives and dies with the instance.
   */
  reopen?: boolean;
}

export interface TestSinkOptions {
  /** A sink on the store named `context.name` (empty unless a test of this suite wrote to it). */
  create: (context: TestSinkContext) => Promise<Sink> | Sink;
  /** Drops the store of one test (collection, table) after it ran. */
  destroy?: (context: TestSinkContext) => Promise<void> | void;
  capabilities?: TestSinkCapabilities;
  /** Vector dimension to test with; default 8. */
  dimensions?: number;
  /** Prefix of store names; default `drift_conformance`. */
  namePrefix?: string;
  /** Per-test timeout; default 30 s. */
  timeoutMs?: number;
  /** Suite title; default `sink conformance`. */
  title?: string;
}

const model = 'conformance/model';

/**
 * Registers the Sink conformance suite (vitest `describe`/`it`): open and verify,
 * dimension and model mismatch refused, an exact payload round-trip, overwrite,
 * delete, retrieve of missing ids, bounded scans, cosine search, count, idempotent
 * close and, unless `capabilities.reopen` is false, a reopened sink seeing the data.
 */
export function testSink(options: TestSinkOptions): void {
  const dimensions = options.dimensions ?? 8;
  const reopen = options.capabilities?.reopen ?? true;
  const timeout = options.timeoutMs ?? 30_000;
  const prefix = options.namePrefix ?? 'drift_conformance';
  const runToken = randomToken();
  let counter = 0;
  const opened: Sink[] = [];
  const names: string[] = [];
  const openOptions: SinkOpenOptions = { dimensions, distance: 'cosine', model };

  const newName = () => {
    const name = `${prefix}_${runToken}_${++counter}`.slice(0, 40);
    names.push(name);
    return name;
  };
  const createSink = async (name: string): Promise<Sink> => {
    const sink = await options.create({ name });
    opened.push(sink);
    return sink;
  };
  /** A new, open, empty sink. */
  const fresh = async (): Promise<{ sink: Sink; name: string }> => {
    const name = newName();
    const sink = await createSink(name);
    await sink.open(openOptions);
    // Leftovers from an earlier run of a factory that ignores the name.
    // Read every id first: deleting while a scan pages through could skip points.
    const leftovers = (await collect(sink.scan({ batchSize: 100 })))
      .flat()
      .map((point) => point.id);
    if (leftovers.length > 0) await sink.delete(leftovers);
    return { sink, name };
  };
  /** A second sink on the same store (or the same one, when stores do not outlive sinks). */
  const again = async (sink: Sink, name: string): Promise<Sink> =>
    reopen ? createSink(name) : sink;
  const points = (count: number, from = 0): Point[] =>
    Array.from({ length: count }, (_, index) =>
      conformancePoint(`row-${from + index}`, unitVector(dimensions, from + index + 1)),
    );
  const hasCode = (code: string) => (error: unknown) => DriftError.hasCode(error, code);

  describe(options.title ?? 'sink conformance', () => {
    afterEach(async () => {
      for (const sink of opened.splice(0)) await sink.close().catch(() => undefined);
      for (const name of names.splice(0)) await options.destroy?.({ name });
    });

    it(
      'declares specification v1, an id without credentials and its capabilities; starts empty',
      async () => {
        const { sink } = await fresh();
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
        expect(await sink.search(unitVector(dimensions, 1), { k: 3 })).toEqual([]);
        expect(await collect(sink.scan())).toEqual([]);
      },
      timeout,
    );

    it(
      'opens an existing store again with the same dimension and model',
      async () => {
        const { sink, name } = await fresh();
        await sink.upsert(points(1));
        const second = await again(sink, name);
        await second.open(openOptions);
        expect(await second.count()).toBe(1);
      },
      timeout,
    );

    it(
      'says `created` only on the open that made the store (when it says at all)',
      async () => {
        const name = newName();
        const sink = await createSink(name);
        const first = await sink.open(openOptions);
        if (first?.created === undefined) return;
        if (first.created) expect(await sink.count()).toBe(0);
        await sink.upsert(points(1));
        if (!reopen) return;
        const second = await again(sink, name);
        expect((await second.open(openOptions))?.created).toBe(false);
      },
      timeout,
    );

    it(
      'refuses another dimension with a dimension-mismatch error',
      async () => {
        const { sink, name } = await fresh();
        await sink.upsert(points(1));
        const second = await again(sink, name);
        await expect(second.open({ ...openOptions, dimensions: dimensions + 1 })).rejects.toSatisfy(
          hasCode('dimension-mismatch'),
        );
      },
      timeout,
    );

    it(
      'refuses vectors of another model with a dimension-mismatch error',
      async () => {
        const { sink, name } = await fresh();
        await sink.upsert(points(1));
        const second = await again(sink, name);
        await expect(
          second.open({ ...openOptions, model: 'conformance/other-model' }),
        ).rejects.toSatisfy(hasCode('dimension-mismatch'));
      },
      timeout,
    );

    it(
      'round-trips points with the payload exactly preserved',
      async () => {
        const { sink } = await fresh();
        const written = [
          conformancePoint('plain', unitVector(dimensions, 11)),
          conformancePoint('unicode', unitVector(dimensions, 12), {
            content: 'Grüße, 東京! Ünïcödé "quotes", \\back\\slash, emoji 🚀 and a\nnewline',
            metadata: {
              title: 'Ça va? 🚀',
              count: 3,
              ratio: 0.25,
              ok: true,
              none: null,
              tags: ['a', 'b'],
              nested: { deep: [1, 2] },
            },
          }),
          conformancePoint('no-content', unitVector(dimensions, 13), {
            content: null,
            metadata: null,
          }),
        ];
        await sink.upsert(written);
        const read = await sink.retrieve(
          written.map((point) => point.id),
          { withVectors: true },
        );
        expect(read).toHaveLength(3);
        for (const point of written) {
          const found = read.find((candidate) => candidate.id === point.id);
          expect(found, `point ${point.payload.key}`).toBeDefined();
          expect(found!.payload).toEqual(point.payload);
          expect(found!.vector).toBeInstanceOf(Float32Array);
          expect(found!.vector).toHaveLength(dimensions);
          for (let index = 0; index < dimensions; index++) {
            expect(found!.vector![index]).toBeCloseTo(point.vector[index]!, 5);
          }
        }
        const [withoutVector] = await sink.retrieve([written[0]!.id]);
        expect(withoutVector!.payload).toEqual(written[0]!.payload);
      },
      timeout,
    );

    it(
      'overwrites a point upserted again under the same id',
      async () => {
        const { sink } = await fresh();
        const first = conformancePoint('row', unitVector(dimensions, 1), { content: 'old text' });
        const second = conformancePoint('row', unitVector(dimensions, 2), {
          content: 'new text',
          run_id: 'run-2',
        });
        await sink.upsert([first]);
        await sink.upsert([second]);
        expect(await sink.count()).toBe(1);
        const [read] = await sink.retrieve([first.id], { withVectors: true });
        expect(read!.payload).toEqual(second.payload);
        expect(read!.vector![0]).toBeCloseTo(second.vector[0]!, 5);
      },
      timeout,
    );

    it(
      'deletes by id and ignores ids that do not exist',
      async () => {
        const { sink } = await fresh();
        const written = points(3);
        await sink.upsert(written);
        await sink.delete([written[0]!.id, pointId('conformance-source', 'never-written')]);
        expect(await sink.count()).toBe(2);
        const read = await sink.retrieve(written.map((point) => point.id));
        expect(read.map((point) => point.id).sort()).toEqual(
          [written[1]!.id, written[2]!.id].sort(),
        );
        await sink.delete([]);
        expect(await sink.count()).toBe(2);
      },
      timeout,
    );

    it(
      'leaves missing ids out of retrieve',
      async () => {
        const { sink } = await fresh();
        const written = points(2);
        await sink.upsert(written);
        const missing = pointId('conformance-source', 'missing');
        const read = await sink.retrieve([missing, written[1]!.id]);
        expect(read.map((point) => point.id)).toEqual([written[1]!.id]);
        expect(await sink.retrieve([])).toEqual([]);
      },
      timeout,
    );

    it(
      'scans every point once, in bounded batches',
      async () => {
        const { sink } = await fresh();
        const written = points(25);
        await sink.upsert(written.slice(0, 12));
        await sink.upsert(written.slice(12));
        const batches = await collect(sink.scan({ batchSize: 10, withVectors: true }));
        const seen = batches.flat();
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(10);
        }
        expect(seen).toHaveLength(25);
        expect(new Set(seen.map((point) => point.id)).size).toBe(25);
        expect(seen.map((point) => point.id).sort()).toEqual(
          written.map((point) => point.id).sort(),
        );
        for (const point of seen) expect(point.vector).toHaveLength(dimensions);
        const byId = new Map(written.map((point) => [point.id, point]));
        for (const point of seen) expect(point.payload).toEqual(byId.get(point.id)!.payload);
      },
      timeout,
    );

    it(
      'searches nearest first by cosine similarity, with scores and payloads',
      async () => {
        const { sink } = await fresh();
        const exact = conformancePoint('exact', axisVector(dimensions, 0));
        const near = conformancePoint('near', axisVector(dimensions, 0, 0.5));
        const orthogonal = conformancePoint('orthogonal', axisVector(dimensions, 1));
        const opposite = conformancePoint(
          'opposite',
          axisVector(dimensions, 0).map((x) => -x),
        );
        // Scaled: cosine ignores length.
        const scaled = conformancePoint(
          'scaled-near',
          axisVector(dimensions, 0, 1).map((x) => x * 3),
        );
        await sink.upsert([opposite, orthogonal, scaled, near, exact]);
        const hits = await sink.search(axisVector(dimensions, 0), { k: 3 });
        expect(hits.map((hit) => hit.payload.key)).toEqual(['exact', 'near', 'scaled-near']);
        expect(hits.map((hit) => hit.id)).toEqual([exact.id, near.id, scaled.id]);
        expect(hits[0]!.score).toBeCloseTo(1, 3);
        expect(hits[1]!.score).toBeCloseTo(1 / Math.sqrt(1.25), 3);
        expect(hits[2]!.score).toBeCloseTo(1 / Math.sqrt(2), 3);
        expect(hits[0]!.payload).toEqual(exact.payload);
        const all = await sink.search(axisVector(dimensions, 0), { k: 10 });
        expect(all).toHaveLength(5);
        expect(all[4]!.payload.key).toBe('opposite');
        expect(all[4]!.score).toBeCloseTo(-1, 3);
        for (let index = 1; index < all.length; index++) {
          expect(all[index - 1]!.score).toBeGreaterThanOrEqual(all[index]!.score);
        }
      },
      timeout,
    );

    it(
      'counts points',
      async () => {
        const { sink } = await fresh();
        expect(await sink.count()).toBe(0);
        await sink.upsert(points(7));
        expect(await sink.count()).toBe(7);
        await sink.upsert(points(3, 5));
        expect(await sink.count()).toBe(8);
      },
      timeout,
    );

    it(
      'closes idempotently',
      async () => {
        const { sink } = await fresh();
        await sink.upsert(points(1));
        await sink.close();
        await sink.close();
      },
      timeout,
    );

    if (reopen) {
      it(
        'shows the data to a sink reopened on the same store',
        async () => {
          const { sink, name } = await fresh();
          const written = points(4);
          await sink.upsert(written);
          await sink.delete([written[3]!.id]);
          await sink.close();
          const reopened = await createSink(name);
          await reopened.open(openOptions);
          expect(await reopened.count()).toBe(3);
          const read = await reopened.retrieve(
            written.map((point) => point.id),
            { withVectors: true },
          );
          expect(read.map((point) => point.id).sort()).toEqual(
            written
              .slice(0, 3)
              .map((point) => point.id)
              .sort(),
          );
          const [hit] = await reopened.search(written[1]!.vector, { k: 1 });
          expect(hit!.id).toBe(written[1]!.id);
        },
        timeout,
      );
    }
  });
}
