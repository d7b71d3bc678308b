import {
  AbortedError,
  DimensionMismatchError,
  InvalidInputError,
  PluginStateError,
} from '../errors/errors.js';
import type {
  Point,
  PointPayload,
  SearchHit,
  SinkCallOptions,
  SinkOpenOptions,
  SinkOpenResult,
  SinkV1,
  StoredPoint,
} from '../spec/sink-v1.js';
import {
  createMemorySinkStore,
  type MemorySinkStore,
  type MemoryStoredPoint,
} from './memory-sink-store.js';
import { cosineSimilarity } from './vector-math.js';

export interface MemorySinkOptions {
  /** The sink id; default the store's id (`memory://<uuid>`). */
  id?: string;
  /** Share points with other memory sinks; default a store of its own. */
  store?: MemorySinkStore;
}

const defaultScanBatchSize = 256;

/**
 * A complete in-process Sink: exact cosine search over a Map. It copies vectors and
 * payloads on the way in and out, so callers can reuse their buffers. For tests, demos
 * and small indexes; nothing survives the process.
 */
export function createMemorySink(options: MemorySinkOptions = {}): SinkV1 {
  let store: MemorySinkStore | undefined = options.store;
  let state: 'new' | 'open' | 'closed' = 'new';
  const getStore = (): MemorySinkStore => {
    store ??= createMemorySinkStore();
    return store;
  };
  const sinkId = (): string => options.id ?? getStore().id;

  const ready = (signal: AbortSignal | undefined, what: string): MemorySinkStore => {
    if (signal?.aborted) throw new AbortedError();
    if (state !== 'open') {
      throw new PluginStateError(
        state === 'new'
          ? `The memory sink ${sinkId()} was asked to ${what} before open(); call open() first.`
          : `The memory sink ${sinkId()} was asked to ${what} after close(); open it again or create a new one.`,
      );
    }
    return getStore();
  };

  const checkVector = (target: MemorySinkStore, vector: Float32Array, what: string): void => {
    if (!(vector instanceof Float32Array)) {
      throw new InvalidInputError(`The ${what} is not a Float32Array.`);
    }
    if (vector.length !== target.dimensions) {
      throw new DimensionMismatchError(
        `The ${what} has ${vector.length} dimensions but the memory sink ${sinkId()} holds ${target.dimensions}-dimensional vectors.`,
      );
    }
  };

  return {
    specificationVersion: 'v1',
    get id() {
      return sinkId();
    },
    capabilities: { concurrentWrites: true },

    async open(openOptions: SinkOpenOptions): Promise<SinkOpenResult> {
      if (openOptions.signal?.aborted) throw new AbortedError();
      const target = getStore();
      const { dimensions, model } = openOptions;
      if (!Number.isInteger(dimensions) || dimensions <= 0) {
        throw new InvalidInputError(
          `open() needs a positive integer dimension, got ${dimensions}.`,
        );
      }
      if (target.dimensions !== undefined && target.dimensions !== dimensions) {
        throw new DimensionMismatchError(
          `The memory sink ${sinkId()} holds ${target.dimensions}-dimensional vectors; it cannot take ${dimensions}-dimensional ones. Use another sink, or migrate.`,
        );
      }
      if (target.model !== undefined && target.model !== model) {
        throw new DimensionMismatchError(
          `The memory sink ${sinkId()} holds vectors of ${target.model}; it will not mix in ${model}. Use another sink, or migrate.`,
        );
      }
      // A store no sink has opened yet is created now.
      const created = target.dimensions === undefined;
      target.dimensions = dimensions;
      target.model = model;
      state = 'open';
      return { created };
    },

    async upsert(points: Point[], callOptions?: SinkCallOptions): Promise<void> {
      const target = ready(callOptions?.signal, 'upsert');
      for (const point of points) checkVector(target, point.vector, `vector of point ${point.id}`);
      for (const point of points) {
        target.points.set(point.id, {
          vector: new Float32Array(point.vector),
          payload: copyPayload(point.payload),
        });
      }
    },

    async delete(ids: string[], callOptions?: SinkCallOptions): Promise<void> {
      const target = ready(callOptions?.signal, 'delete');
      for (const id of ids) target.points.delete(id);
    },

    async retrieve(
      ids: string[],
      callOptions?: SinkCallOptions & { withVectors?: boolean },
    ): Promise<StoredPoint[]> {
      const target = ready(callOptions?.signal, 'retrieve');
      const found: StoredPoint[] = [];
      for (const id of ids) {
        const stored = target.points.get(id);
        if (stored) found.push(toStoredPoint(id, stored, callOptions?.withVectors === true));
      }
      return found;
    },

    async *scan(
      callOptions?: SinkCallOptions & { batchSize?: number; withVectors?: boolean },
    ): AsyncIterable<StoredPoint[]> {
      const target = ready(callOptions?.signal, 'scan');
      const batchSize = Math.max(1, Math.floor(callOptions?.batchSize ?? defaultScanBatchSize));
      const ids = [...target.points.keys()];
      for (let start = 0; start < ids.length; start += batchSize) {
        ready(callOptions?.signal, 'scan');
        const batch: StoredPoint[] = [];
        for (const id of ids.slice(start, start + batchSize)) {
          const stored = target.points.get(id);
          if (stored) batch.push(toStoredPoint(id, stored, callOptions?.withVectors === true));
        }
        if (batch.length > 0) yield batch;
      }
    },

    async search(
      vector: Float32Array,
      callOptions: SinkCallOptions & { k: number },
    ): Promise<SearchHit[]> {
      const target = ready(callOptions.signal, 'search');
      checkVector(target, vector, 'query vector');
      const k = Math.floor(callOptions.k);
      if (!(k > 0)) throw new InvalidInputError(`search() needs k ≥ 1, got ${callOptions.k}.`);
      // Keep the k best in a small sorted array: exact, O(n·k) at worst, no full sort.
      const best: { id: string; score: number; stored: MemoryStoredPoint }[] = [];
      for (const [id, stored] of target.points) {
        const score = cosineSimilarity(vector, stored.vector);
        if (best.length === k && score <= best[k - 1]!.score) continue;
        let at = best.length;
        while (at > 0 && best[at - 1]!.score < score) at--;
        best.splice(at, 0, { id, score, stored });
        if (best.length > k) best.pop();
      }
      return best.map(({ id, score, stored }) => ({
        id,
        score,
        payload: copyPayload(stored.payload),
      }));
    },

    async count(callOptions?: SinkCallOptions): Promise<number> {
      return ready(callOptions?.signal, 'count').points.size;
    },

    async close(): Promise<void> {
      // Idempotent; the store keeps its points, so a sink opened again on it sees them.
      state = 'closed';
    },
  };
}

function copyPayload(payload: PointPayload): PointPayload {
  return {
    key: payload.key,
    source: payload.source,
    content: payload.content,
    content_hash: payload.content_hash,
    model: payload.model,
    run_id: payload.run_id,
    metadata: payload.metadata === null ? null : structuredClone(payload.metadata),
  };
}

function toStoredPoint(id: string, stored: MemoryStoredPoint, withVectors: boolean): StoredPoint {
  const point: StoredPoint = { id, payload: copyPayload(stored.payload) };
  if (withVectors) point.vector = new Float32Array(stored.vector);
  return point;
}
