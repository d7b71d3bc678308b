import { InvalidInputError, type SinkCapabilities, type SinkV1 } from '@drift-spark/core';
import { createSinkHandle } from '@drift-spark/core/internal';
import { needs, qdrantAlias } from './qdrant-alias.js';
import type { QdrantClientSubset } from './qdrant-client-subset.js';
import { openCollection } from './qdrant-collection.js';
import type { QdrantContext } from './qdrant-context.js';
import { toDriftError } from './qdrant-errors.js';
import { qdrantReader } from './qdrant-read.js';
import { qdrantWriter } from './qdrant-write.js';

/** Qdrant holds vectors of at most this many dimensions. */
const MAX_DIMENSIONS = 65536;

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
 * before `open()`. The collection (`qdrant-collection.ts`) has one unnamed vector (size,
 * Cosine), a keyword payload index on `key`, and Drift's model in the collection
 * metadata; writes and reads are in `qdrant-write.ts` and `qdrant-read.ts`.
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
  const handle = createSinkHandle<QdrantClientSubset>('Qdrant', sinkId);
  let dimensions = 0;

  const fail = (error: unknown, what: string) => toDriftError(error, what, sinkId);
  const context: QdrantContext = {
    collection,
    ready: handle.ready,
    fail,
    dimensions: () => dimensions,
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
    alias: qdrantAlias({ sinkId, collection, client: handle.ready }),

    async open(open) {
      handle.beforeOpen(open.signal);
      if (open.dimensions > MAX_DIMENSIONS) {
        throw new InvalidInputError(
          `Qdrant holds at most ${MAX_DIMENSIONS} dimensions; the model says ${open.dimensions}.`,
        );
      }
      const candidate = handle.current ?? (await makeClient());
      let created = false;
      try {
        ({ created } = await openCollection(candidate, collection, open));
      } catch (error) {
        throw fail(error, `open the collection ${collection}`);
      }
      dimensions = open.dimensions;
      handle.set(candidate);
      return { created };
    },

    ...qdrantWriter({
      ...context,
      storeContent: options.storeContent ?? true,
      batchSize,
      parallelRequests,
    }),
    ...qdrantReader(context),

    async drop(call) {
      // Qdrant drops the collection's aliases with it: callers move names first.
      try {
        await needs(handle.ready(call?.signal), 'deleteCollection').deleteCollection(collection);
      } catch (error) {
        throw fail(error, `drop the collection ${collection}`);
      }
    },

    async close() {
      // The REST client holds no session to end; its idle sockets close by themselves.
      handle.close();
    },
  };
}
