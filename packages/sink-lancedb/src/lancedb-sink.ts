import type {
  SinkCallOptions,
  SinkFinalizeOptions,
  SinkSearchIndex,
  SinkV1,
} from '@drift-spark/core';
import { createSinkHandle } from '@drift-spark/core/internal';
import type { Connection, Table } from '@lancedb/lancedb';
import { VECTOR_COLUMN } from './lancedb-arrow.js';
import type { LancedbContext } from './lancedb-context.js';
import { toDriftError } from './lancedb-errors.js';
import {
  buildIndexes,
  DEFAULT_INDEX_THRESHOLD,
  DEFAULT_OPTIMIZE_EVERY,
  hasVectorIndex,
} from './lancedb-index-policy.js';
import { lancedbReader } from './lancedb-read.js';
import { connectLancedb, openOrCreateTable } from './lancedb-table.js';
import { canonicalLancedbUri } from './lancedb-uri.js';
import { lancedbWriter } from './lancedb-write.js';

export interface LancedbSinkOptions {
  /** A folder, or an object-store prefix (`s3://bucket/prefix`, `gs://…`, `az://…`). */
  path: string;
  table: string;
  /** Store the embedded text in `content` (default true). */
  storeContent?: boolean;
  /** 'auto' (default): an IVF_HNSW_SQ index once the table holds `indexThreshold` rows; 'never': exact search. */
  index?: 'auto' | 'never';
  /** Rows from which the index is built (default 50 000). */
  indexThreshold?: number;
  /** Small writes between two compactions (default 100). */
  optimizeEvery?: number;
  /** LanceDB's index cache, in bytes (default 128 MiB; LanceDB's own default is 6 GB). */
  indexCacheBytes?: number;
  /** Passed to LanceDB for an object store (credentials, endpoint, region). */
  storageOptions?: Record<string, string>;
  /** The sink id; default `lancedb://<path>?table=<name>`. */
  id?: string;
}

/** A LanceDB sink: SinkV1, with `finalize()` that builds the index after a large load. */
export interface LancedbSink extends SinkV1 {
  finalize(options?: SinkFinalizeOptions): Promise<void>;
  /** The ANN index searches use (null: exact scan), and from how many rows one is built. */
  searchIndex(options?: SinkCallOptions): Promise<SinkSearchIndex>;
}

/**
 * A LanceDB sink: the table (`lancedb-table.ts`), the write path (`lancedb-write.ts`) and
 * the read path (`lancedb-read.ts`) composed here, with the index policy. A killed process
 * leaves the last committed version, never half a batch. Several processes may write one
 * table: Lance retries a commit that raced another (optimistic concurrency). The index is
 * built by `finalize()` (or `close()`) once the table holds `indexThreshold` rows.
 */
export function createLancedbSink(options: LancedbSinkOptions): LancedbSink {
  const sinkId = options.id ?? canonicalLancedbUri(options.path, options.table);
  const indexMode = options.index ?? 'auto';
  const threshold = options.indexThreshold ?? DEFAULT_INDEX_THRESHOLD;
  const handle = createSinkHandle<Table>('LanceDB', sinkId);

  let db: Connection | undefined;
  let dimensions = 0;
  let indexed = false;

  const fail = (error: unknown, what: string) => toDriftError(error, what, sinkId);
  const context: LancedbContext = { tableName: options.table, ready: handle.ready, fail };
  const writer = lancedbWriter({
    ...context,
    storeContent: options.storeContent ?? true,
    optimizeEvery: options.optimizeEvery ?? DEFAULT_OPTIMIZE_EVERY,
  });

  async function finalize(call?: SinkFinalizeOptions): Promise<void> {
    const current = handle.ready(call?.signal);
    try {
      const rows = await current.countRows();
      // A first load is not compacted here: rewriting it doubled the embed's peak RSS and
      // made exact searches slower (bench/README.md); later small writes compact it.
      if (indexMode === 'auto' && !indexed && rows >= threshold) {
        await buildIndexes(current, VECTOR_COLUMN, rows, call?.onProgress);
        indexed = true;
      }
      writer.settled();
    } catch (error) {
      throw fail(error, 'index the table');
    }
  }

  return {
    specificationVersion: 'v1',
    id: sinkId,
    capabilities: { concurrentWrites: false, maxPointsPerWrite: 10_000 },

    async open(open) {
      handle.beforeOpen(open.signal);
      let created = false;
      try {
        db ??= await connectLancedb({
          path: options.path,
          table: options.table,
          indexCacheBytes: options.indexCacheBytes,
          storageOptions: options.storageOptions,
        });
        const found = await openOrCreateTable(db, options.table, open);
        handle.set(found.table);
        created = found.created;
        dimensions = open.dimensions;
        const rows = await found.table.countRows();
        indexed = await hasVectorIndex(found.table, VECTOR_COLUMN);
        writer.opened(found.schema, open.dimensions, rows === 0);
      } catch (error) {
        handle.set(undefined);
        throw fail(error, `open the table ${options.table}`);
      }
      return { created };
    },

    upsert: writer.upsert,
    delete: writer.delete,
    ...lancedbReader({ ...context, dimensions: () => dimensions, indexed: () => indexed }),

    finalize,

    async searchIndex(call) {
      const current = handle.ready(call?.signal);
      try {
        const found = (await current.listIndices()).find((index) =>
          index.columns.includes(VECTOR_COLUMN),
        );
        return {
          index: found ? found.indexType : null,
          ...(indexMode === 'auto' ? { buildsAt: threshold } : {}),
        };
      } catch (error) {
        throw fail(error, `list the indexes of ${options.table}`);
      }
    },

    async close() {
      if (handle.closed) return;
      try {
        if (handle.current && writer.firstLoadPending()) await finalize();
      } finally {
        handle.close()?.close();
        db?.close();
        db = undefined;
      }
    },
  };
}
