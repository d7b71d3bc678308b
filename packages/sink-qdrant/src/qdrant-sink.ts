import {
  AbortedError,
  DimensionMismatchError,
  InvalidInputError,
  PluginStateError,
  type Point,
  type PointPayload,
  type SearchHit,
  type SinkCapabilities,
  SinkError,
  type SinkV1,
  type StoredPoint,
} from '@drift-spark/core';
import { needs, qdrantAlias } from './qdrant-alias.js';
import type { QdrantClientSubset, QdrantPointRecord } from './qdrant-client-subset.js';
import { toDriftError } from './qdrant-errors.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The payload index Drift creates: lookups by row key. */
const KEY_FIELD = 'key';

export interface QdrantSinkOptions {
  /** The server, e.g. `http://localhost:6333` (default), `https://….cloud.qdrant.io`. */
  url?: string;
  collection: string;
  /** Default: `QDRANT_API_KEY`, read at `open()`. */
  apiKey?: string;
  /** Your own client (an instance or a lazy factory); the sink then ignores url and apiKey. */
  client?: QdrantClientSubset | (() => QdrantClientSubset | Promise<QdrantClientSubset>);
  /** Store the embedded text in the `content` payload key (default true). */
  storeContent?: boolean;
  /** Points per upsert request, 64–256 (default 128), as Qdrant advises for bulk loads. */
  batchSize?: number;
  /** Upsert requests in flight at once (default 4). */
  parallelRequests?: number;
  /** The sink id; default derived from url and collection. */
  id?: string;
}

/**
 * A Qdrant sink on @qdrant/js-client-rest. Lazy: no client, no socket, no env read
 * before `open()`. The collection has one unnamed vector (size, Cosine), a keyword
 * payload index on `key`, and Drift's model in the collection metadata.
 */
export function createQdrantSink(options: QdrantSinkOptions): SinkV1 {
  const collection = options.collection;
  if (typeof collection !== 'string' || collection.length === 0 || collection.includes('/')) {
    throw new InvalidInputError(
      'A Qdrant collection name must be a non-empty string without "/": pass `collection` (or qdrant://host:6333/<collection>).',
    );
  }
  const url = options.url ?? 'http://localhost:6333';
  const sinkId =
    options.id ??
    `${url.replace(/^http(s?):\/\//, (_, s: string) => (s ? 'qdrants://' : 'qdrant://')).replace(/\/+$/, '')}/${collection}`;
  const batchSize = Math.min(256, Math.max(64, options.batchSize ?? 128));
  const parallelRequests = Math.max(1, options.parallelRequests ?? 4);
  const storeContent = options.storeContent ?? true;

  let client: QdrantClientSubset | undefined;
  let dimensions = 0;
  let closed = false;

  const fail = (error: unknown, what: string) => toDriftError(error, what, sinkId);
  const ready = (signal?: AbortSignal): QdrantClientSubset => {
    if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
    if (closed)
      throw new PluginStateError(`The Qdrant sink ${sinkId} is closed; create a new one.`);
    if (!client)
      throw new PluginStateError(
        `The Qdrant sink ${sinkId} is not open: call open({dimensions, distance, model}) first.`,
      );
    return client;
  };

  async function makeClient(): Promise<QdrantClientSubset> {
    if (typeof options.client === 'function') return options.client();
    if (options.client) return options.client;
    const { QdrantClient } = await import('@qdrant/js-client-rest');
    const apiKey = options.apiKey ?? process.env.QDRANT_API_KEY;
    // checkCompatibility would send a request from the constructor and print a warning;
    // Drift never writes to the console from a library, and checks the collection itself.
    return new QdrantClient({
      url,
      ...(apiKey ? { apiKey } : {}),
      checkCompatibility: false,
    }) as unknown as QdrantClientSubset;
  }

  const capabilities: SinkCapabilities = {
    concurrentWrites: true,
    maxPointsPerWrite: batchSize * parallelRequests * 4,
  };

  return {
    specificationVersion: 'v1',
    id: sinkId,
    capabilities,
    alias: qdrantAlias({ sinkId, collection, client: ready }),

    async open(open) {
      if (closed)
        throw new PluginStateError(`The Qdrant sink ${sinkId} is closed; create a new one.`);
      if (open.signal?.aborted) throw new AbortedError(undefined, { cause: open.signal.reason });
      if (open.distance !== 'cosine')
        throw new InvalidInputError(
          `The Qdrant sink supports cosine distance only, not ${String(open.distance)}.`,
        );
      if (!Number.isInteger(open.dimensions) || open.dimensions < 1 || open.dimensions > 65536) {
        throw new InvalidInputError(
          `Qdrant holds 1 to 65536 dimensions; the model says ${open.dimensions}.`,
        );
      }
      const candidate = client ?? (await makeClient());
      let created = false;
      try {
        let createdElsewhere = false;
        const { exists } = await candidate.collectionExists(collection);
        if (!exists) {
          try {
            await candidate.createCollection(collection, {
              vectors: { size: open.dimensions, distance: 'Cosine' },
            });
            created = true;
          } catch (error) {
            // Another process created it first (409; 400 "already exists" before Qdrant
            // 1.8): verify it below like any existing collection.
            const status = (error as { status?: number })?.status;
            if (status !== 409 && !(await candidate.collectionExists(collection)).exists)
              throw error;
            createdElsewhere = true;
          }
        }
        const info = createdElsewhere
          ? await whenReadable(() => candidate.getCollection(collection))
          : await candidate.getCollection(collection);
        const vectors = info.config.params.vectors as
          | { size?: unknown; distance?: unknown }
          | undefined;
        if (!vectors || typeof vectors.size !== 'number') {
          throw new SinkError(
            `The Qdrant collection ${collection} has named vectors; Drift writes one unnamed vector. Use another collection.`,
          );
        }
        if (vectors.size !== open.dimensions) {
          throw new DimensionMismatchError(
            `The Qdrant collection ${collection} holds ${vectors.size}-dimension vectors, but the model ${open.model} makes ${open.dimensions}. Use another collection for this model, or migrate to it.`,
          );
        }
        if (vectors.distance !== 'Cosine') {
          throw new DimensionMismatchError(
            `The Qdrant collection ${collection} uses ${String(vectors.distance)} distance; Drift writes Cosine. Use another collection.`,
          );
        }
        const metadata = info.config.metadata ?? undefined;
        let model = typeof metadata?.drift_model === 'string' ? metadata.drift_model : undefined;
        if (model === undefined) {
          // A server without collection metadata (Qdrant < 1.16), or a collection made elsewhere: ask a point.
          const sample = await candidate.scroll(collection, {
            limit: 1,
            with_payload: true,
            with_vector: false,
          });
          const payloadModel = sample.points[0]?.payload?.model;
          model = typeof payloadModel === 'string' ? payloadModel : undefined;
        }
        if (model !== undefined && model !== open.model) {
          throw new DimensionMismatchError(
            `The Qdrant collection ${collection} holds vectors of the model ${model}, not ${open.model}; Drift does not mix models in one collection. Use another collection for ${open.model}, or migrate.`,
          );
        }
        if (typeof metadata?.drift_model !== 'string') {
          try {
            await candidate.updateCollection(collection, {
              metadata: { drift_model: open.model, drift_dimensions: open.dimensions },
            });
          } catch (error) {
            // Qdrant before 1.16 has no collection metadata and may refuse the field (400/422):
            // then the model of a stored point is what the next open checks.
            const status = (error as { status?: number })?.status;
            if (status !== 400 && status !== 422) throw error;
          }
        }
        if (!info.payload_schema?.[KEY_FIELD]) {
          await candidate.createPayloadIndex(collection, {
            field_name: KEY_FIELD,
            field_schema: 'keyword',
            wait: true,
          });
        }
      } catch (error) {
        throw fail(error, `open the collection ${collection}`);
      }
      dimensions = open.dimensions;
      client = candidate;
      return { created };
    },

    async upsert(points, call) {
      const current = ready(call?.signal);
      if (points.length === 0) return;
      const unique = new Map<string, Point>();
      for (const point of points) unique.set(point.id, point);
      const encoded = [...unique.values()].map((point) =>
        toQdrantPoint(point, dimensions, storeContent),
      );
      const batches: (typeof encoded)[] = [];
      for (let start = 0; start < encoded.length; start += batchSize)
        batches.push(encoded.slice(start, start + batchSize));
      // `wait: true`: Qdrant answers only once the points are applied (in its WAL and in the
      // segments that searches read). With `wait: false` it answers on receipt, before the
      // update is applied, and a crash or a rejected point after the answer would leave the
      // ledger recording a point the sink does not have. The engine records a point in the
      // ledger as soon as upsert resolves, so upsert must resolve only when the point is
      // durable and searchable. Throughput comes from a few batches in flight instead.
      try {
        await runLimited(batches, parallelRequests, async (batch) => {
          if (call?.signal?.aborted)
            throw new AbortedError(undefined, { cause: call.signal.reason });
          await current.upsert(collection, { wait: true, points: batch });
        });
      } catch (error) {
        throw fail(error, `write ${encoded.length} points to ${collection}`);
      }
    },

    async delete(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter((id) => UUID_PATTERN.test(id));
      if (valid.length === 0) return;
      try {
        // wait: true for the same reason as upsert: the ledger forgets a point only once it is gone.
        for (let start = 0; start < valid.length; start += 1000) {
          await current.delete(collection, {
            wait: true,
            points: valid.slice(start, start + 1000),
          });
        }
      } catch (error) {
        throw fail(error, `delete ${valid.length} points from ${collection}`);
      }
    },

    async retrieve(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter((id) => UUID_PATTERN.test(id));
      if (valid.length === 0) return [];
      const withVectors = call?.withVectors ?? false;
      try {
        const records = await current.retrieve(collection, {
          ids: valid,
          with_payload: true,
          with_vector: withVectors,
        });
        return records.map((record) => toStoredPoint(record, withVectors));
      } catch (error) {
        throw fail(error, `read points from ${collection}`);
      }
    },

    async *scan(call) {
      const limit = Math.max(1, Math.min(call?.batchSize ?? 256, 10_000));
      const withVectors = call?.withVectors ?? false;
      let offset: string | number | null | undefined;
      for (;;) {
        const current = ready(call?.signal);
        let page: { points: QdrantPointRecord[]; next_page_offset?: unknown };
        try {
          page = await current.scroll(collection, {
            limit,
            with_payload: true,
            with_vector: withVectors,
            ...(offset === undefined ? {} : { offset }),
          });
        } catch (error) {
          throw fail(error, `scan ${collection}`);
        }
        if (page.points.length > 0)
          yield page.points.map((record) => toStoredPoint(record, withVectors));
        const next = page.next_page_offset;
        if (
          next === null ||
          next === undefined ||
          (typeof next !== 'string' && typeof next !== 'number')
        )
          return;
        offset = next;
      }
    },

    async search(vector, call) {
      const current = ready(call?.signal);
      if (!Number.isInteger(call.k) || call.k < 1)
        throw new InvalidInputError(`search needs k ≥ 1, not ${call.k}.`);
      if (vector.length !== dimensions)
        throw new InvalidInputError(
          `The query vector has ${vector.length} dimensions; the collection ${collection} holds ${dimensions}.`,
        );
      try {
        const result = await current.query(collection, {
          query: Array.from(vector),
          limit: call.k,
          with_payload: true,
          with_vector: false,
        });
        return result.points.map(
          (point): SearchHit => ({
            id: String(point.id),
            score: point.score,
            payload: toPayload(point.payload),
          }),
        );
      } catch (error) {
        throw fail(error, `search ${collection}`);
      }
    },

    async count(call) {
      const current = ready(call?.signal);
      try {
        return (await current.count(collection, { exact: true })).count;
      } catch (error) {
        throw fail(error, `count ${collection}`);
      }
    },

    async drop(call) {
      // Qdrant drops the collection's aliases with it: callers move names first.
      try {
        await needs(ready(call?.signal), 'deleteCollection').deleteCollection(collection);
      } catch (error) {
        throw fail(error, `drop the collection ${collection}`);
      }
    },

    async close() {
      // The REST client holds no session to end; its idle sockets close by themselves.
      closed = true;
      client = undefined;
    },
  };
}

function toQdrantPoint(point: Point, dimensions: number, storeContent: boolean) {
  if (!UUID_PATTERN.test(point.id)) {
    throw new InvalidInputError(
      `Point id "${String(point.id).slice(0, 40)}" is not a UUID: derive point ids with pointId(source, key).`,
    );
  }
  if (!point.vector || point.vector.length !== dimensions) {
    throw new InvalidInputError(
      `Point ${point.id} has a vector of ${point.vector?.length ?? 0} dimensions; the collection holds ${dimensions}.`,
    );
  }
  const vector = Array.from(point.vector);
  if (!vector.every(Number.isFinite))
    throw new InvalidInputError(`Point ${point.id} has a non-finite value in its vector.`);
  const payload = point.payload;
  return {
    id: point.id.toLowerCase(),
    vector,
    payload: {
      key: payload.key,
      source: payload.source,
      content: storeContent ? (payload.content ?? null) : null,
      content_hash: payload.content_hash,
      model: payload.model,
      run_id: payload.run_id ?? null,
      metadata: payload.metadata ?? null,
    },
  };
}

function toPayload(payload: Record<string, unknown> | null | undefined): PointPayload {
  const value = payload ?? {};
  return {
    key: String(value.key ?? ''),
    source: String(value.source ?? ''),
    content: typeof value.content === 'string' ? value.content : null,
    content_hash: String(value.content_hash ?? ''),
    model: String(value.model ?? ''),
    run_id: typeof value.run_id === 'string' ? value.run_id : '',
    metadata:
      value.metadata && typeof value.metadata === 'object'
        ? (value.metadata as Record<string, unknown>)
        : null,
  };
}

function toStoredPoint(record: QdrantPointRecord, withVectors: boolean): StoredPoint {
  const point: StoredPoint = { id: String(record.id), payload: toPayload(record.payload) };
  if (withVectors && Array.isArray(record.vector))
    point.vector = Float32Array.from(record.vector as number[]);
  return point;
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure stops new work and is thrown. */
async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/**
 * A collection another process is creating answers 500 ("0 of 0 read operations failed")
 * until its shards are up: ask again for up to ~1.5 s before calling that a failure.
 */
async function whenReadable<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const status = (error as { status?: number })?.status ?? 0;
      if (status < 500 || attempt >= 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
