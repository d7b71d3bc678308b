import type { Point, Sink, SinkCallOptions } from '../index.js';
import { AbortedError, DimensionMismatchError, PluginStateError } from '../index.js';

/** A sink over a Map: exact cosine search; copies on the way in and out. */
export function createMapSink(): Sink {
  let store: { dimensions: number; model: string; points: Map<string, Point> } | undefined;
  const ready = (options?: SinkCallOptions, points: { vector: Float32Array }[] = []) => {
    if (options?.signal?.aborted) throw new AbortedError();
    if (!store) throw new PluginStateError('Open the sink first (and not after close).');
    const bad = points.find((point) => point.vector.length !== store!.dimensions);
    if (bad) throw new DimensionMismatchError(`Vectors have ${store.dimensions} dimensions.`);
    return store.points;
  };
  const copy = (p: Point, vector?: boolean) =>
    structuredClone(vector ? p : { id: p.id, payload: p.payload });
  const cosine = (a: Float32Array, b: Float32Array) =>
    a.reduce((dot, x, i) => dot + x * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
  return {
    specificationVersion: 'v1',
    id: 'map://example',
    capabilities: { concurrentWrites: true },
    async open({ dimensions, model, signal }) {
      if (signal?.aborted) throw new AbortedError();
      if (store && (store.dimensions !== dimensions || store.model !== model))
        throw new DimensionMismatchError(`This sink holds ${store.dimensions}-d ${store.model}.`);
      store ??= { dimensions, model, points: new Map() };
    },
    async upsert(batch, options) {
      const map = ready(options, batch);
      for (const point of batch) map.set(point.id, structuredClone(point));
    },
    delete: async (ids, options) => ids.forEach((id) => void ready(options).delete(id)),
    retrieve: async (ids, options) =>
      ids.flatMap((id) => ready(options).get(id) ?? []).map((p) => copy(p, options?.withVectors)),
    async *scan(options) {
      const all = [...ready(options).values()].map((point) => copy(point, options?.withVectors));
      while (all.length > 0) yield all.splice(0, options?.batchSize ?? 100);
    },
    async search(vector, options) {
      const scored = (point: Point) => ({ ...copy(point), score: cosine(vector, point.vector) });
      const hits = [...ready(options, [{ vector }]).values()].map(scored);
      return hits.sort((a, b) => b.score - a.score).slice(0, options.k);
    },
    count: async (options) => ready(options).size,
    async close() {
      store = undefined;
    },
  };
}
