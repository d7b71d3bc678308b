import { LimitExceededError } from '../errors/errors.js';
import { createMemorySink } from '../memory/memory-sink.js';
import { createMemorySinkStore, type MemorySinkStore } from '../memory/memory-sink-store.js';
import type { Point, Sink, SinkV1, StoredPoint } from '../spec/sink-v1.js';
import type { SinkHarnessOptions } from './sink-harness.js';
import { collect } from './testkit-helpers.js';

/** `create`/`destroy` for memory sinks, one store per name, each sink passed through `wrap`. */
export function memorySinks(wrap: (inner: Sink) => Sink = (inner) => inner): SinkHarnessOptions {
  const stores = new Map<string, MemorySinkStore>();
  return {
    create: ({ name }) => {
      let store = stores.get(name);
      if (!store) {
        store = createMemorySinkStore({ id: `memory://${name}` });
        stores.set(name, store);
      }
      return wrap(createMemorySink({ store }));
    },
    destroy: ({ name }) => void stores.delete(name),
  };
}

/** A sink that forwards to `inner`, but for what `overrides` replaces. */
export function wrapSink(inner: Sink, overrides: Partial<SinkV1>): Sink {
  return {
    specificationVersion: 'v1',
    id: inner.id,
    capabilities: inner.capabilities,
    open: (options) => inner.open(options),
    upsert: (points, options) => inner.upsert(points, options),
    delete: (ids, options) => inner.delete(ids, options),
    retrieve: (ids, options) => inner.retrieve(ids, options),
    scan: (options) => inner.scan(options),
    search: (vector, options) => inner.search(vector, options),
    count: (options) => inner.count(options),
    close: () => inner.close(),
    ...overrides,
  };
}

const resize = (vector: Float32Array, length: number) => {
  const fitted = new Float32Array(length);
  fitted.set(vector.subarray(0, length));
  return fitted;
};

/** Plugins that each get one rule wrong, on top of the (correct) memory sink. */
export const brokenSinks = {
  /** Keeps the caller's point objects and hands them back from retrieve. */
  keepsReferences(inner: Sink): Sink {
    const kept = new Map<string, Point>();
    return wrapSink(inner, {
      async upsert(points, options) {
        await inner.upsert(points, options);
        for (const point of points) kept.set(point.id, point);
      },
      async retrieve(ids, options) {
        const found = await inner.retrieve(ids, options);
        return found.map((point) => {
          const { vector, payload } = kept.get(point.id) ?? point;
          return options?.withVectors
            ? { id: point.id, vector, payload }
            : { id: point.id, payload };
        });
      },
    });
  },
  /** Hands out the same objects at every read, so a caller's change shows in the next read. */
  sharesWhatItReturns(inner: Sink): Sink {
    const handedOut = new Map<string, StoredPoint>();
    const share = (point: StoredPoint) => {
      const known = handedOut.get(point.id);
      if (known && (known.vector !== undefined) === (point.vector !== undefined)) return known;
      handedOut.set(point.id, point);
      return point;
    };
    return wrapSink(inner, {
      retrieve: async (ids, options) => (await inner.retrieve(ids, options)).map(share),
      upsert: async (points, options) => {
        for (const point of points) handedOut.delete(point.id);
        await inner.upsert(points, options);
      },
    });
  },
  /** Pads or cuts vectors of another length instead of refusing them. */
  fitsWrongLengths(inner: Sink, dimensions = 8): Sink {
    return wrapSink(inner, {
      upsert: (points, options) =>
        inner.upsert(
          points.map((point) => ({ ...point, vector: resize(point.vector, dimensions) })),
          options,
        ),
      search: (vector, options) => inner.search(resize(vector, dimensions), options),
    });
  },
  /** Declares a write limit, then silently keeps only that many points of a larger upsert. */
  dropsBeyondMaxPointsPerWrite(inner: Sink, most = 50): Sink {
    return wrapSink(inner, {
      capabilities: { concurrentWrites: true, maxPointsPerWrite: most },
      upsert: (points, options) => inner.upsert(points.slice(0, most), options),
    });
  },
  /** Declares a write limit larger than what it takes. */
  declaresMoreThanItTakes(inner: Sink, most = 100): Sink {
    return wrapSink(inner, {
      capabilities: { concurrentWrites: true, maxPointsPerWrite: most },
      async upsert(points, options) {
        if (points.length > most / 2) throw new LimitExceededError(`At most ${most / 2} points.`);
        await inner.upsert(points, options);
      },
    });
  },
  /** Takes any number of points without a declared limit, and keeps the first thousand. */
  dropsLargeBatches(inner: Sink): Sink {
    return wrapSink(inner, {
      upsert: (points, options) => inner.upsert(points.slice(0, 1000), options),
    });
  },
  /** Goes on working after close. */
  usableAfterClose(inner: Sink): Sink {
    return wrapSink(inner, { close: async () => undefined });
  },
  /** Works before open (it opens itself with what it guesses). */
  usableBeforeOpen(inner: Sink): Sink {
    let opened: ReturnType<Sink['open']> | undefined;
    const guess = () => {
      opened ??= inner.open({ dimensions: 8, distance: 'cosine', model: 'conformance/model' });
      return opened;
    };
    return wrapSink(inner, {
      open: (options) => {
        opened = inner.open(options);
        return opened;
      },
      upsert: async (points, options) => {
        await guess();
        await inner.upsert(points, options);
      },
      count: async (options) => {
        await guess();
        return inner.count(options);
      },
    });
  },
  /** Drops the caller's signal. */
  ignoresAbort(inner: Sink): Sink {
    return wrapSink(inner, {
      upsert: (points) => inner.upsert(points),
      delete: (ids) => inner.delete(ids),
      retrieve: (ids, options) => inner.retrieve(ids, { withVectors: options?.withVectors }),
      search: (vector, options) => inner.search(vector, { k: options.k }),
      count: () => inner.count(),
      scan: (options) => inner.scan({ ...options, signal: undefined }),
    });
  },
  /** Keeps the first of two points with the same id in one upsert. */
  firstWins(inner: Sink): Sink {
    return wrapSink(inner, {
      upsert: (points, options) =>
        inner.upsert(
          points.filter((point, index) => points.findIndex((p) => p.id === point.id) === index),
          options,
        ),
    });
  },
  /** Scores in [0, 1] (`(1 + cosine) / 2`), as some stores' "similarity" does. */
  rescalesScores(inner: Sink): Sink {
    return wrapSink(inner, {
      search: async (vector, options) =>
        (await inner.search(vector, options)).map((hit) => ({
          ...hit,
          score: (1 + hit.score) / 2,
        })),
    });
  },
  /** Normalises text to NFC on the way in, so `e` + combining accent comes back as `é`. */
  normalisesUnicode(inner: Sink): Sink {
    return wrapSink(inner, {
      upsert: (points, options) =>
        inner.upsert(
          points.map((point) => ({
            ...point,
            payload: JSON.parse(JSON.stringify(point.payload).normalize('NFC')),
          })),
          options,
        ),
    });
  },
  /** Ignores `batchSize`: one scan batch with everything. */
  unboundedScan(inner: Sink): Sink {
    return wrapSink(inner, {
      async *scan(options) {
        const all = (await collect(inner.scan({ ...options, batchSize: 1_000_000 }))).flat();
        if (all.length > 0) yield all;
      },
    });
  },
  /**
   * Says it takes overlapping writes, but writes by read-modify-write of the whole store,
   * so one write undoes another that ran meanwhile.
   */
  losesOverlappingWrites(inner: Sink): Sink {
    return wrapSink(inner, {
      capabilities: { concurrentWrites: true },
      async upsert(points, options) {
        const before = (await collect(inner.scan({ withVectors: true }))).flat();
        await new Promise((resolve) => setTimeout(resolve, 5));
        await inner.delete(
          (await collect(inner.scan())).flat().map((point) => point.id),
          options,
        );
        await inner.upsert([...(before as Point[]), ...points], options);
      },
    });
  },
};
