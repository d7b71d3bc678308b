import type { SinkBuildProgress, SinkFinalizeOptions } from '@drift-spark/core';
import {
  InvalidInputError,
  type SinkAlias,
  type SinkCallOptions,
  type SinkCapabilities,
  type SinkV1,
} from '@drift-spark/core';
import { createSinkHandle } from '@drift-spark/core/internal';
import { pgvectorAlias } from './pgvector-alias.js';
import type { PgvectorContext } from './pgvector-context.js';
import type { SqlDriver } from './pgvector-driver.js';
import { toDriftError } from './pgvector-errors.js';
import { derivedName, quoteIdentifier } from './pgvector-identifiers.js';
import { buildHnswIndex } from './pgvector-index-build.js';
import { pgvectorReader } from './pgvector-read.js';
import { verifyOrCreateTable } from './pgvector-table.js';
import { pgvectorWriter } from './pgvector-write.js';

/** pgvector's HNSW index holds `vector` columns of at most this many dimensions. */
export const HNSW_MAX_DIMENSIONS = 2000;
/** pgvector's `vector` type holds at most this many dimensions. */
const VECTOR_MAX_DIMENSIONS = 16000;

export interface PgvectorSinkCommonOptions {
  /** The table name (quoted, never interpolated raw). */
  table: string;
  /** The schema; default: the first schema on the search_path. */
  schema?: string;
  /** Store the embedded text in `content` (default true); false leaves it NULL. */
  storeContent?: boolean;
  /**
   * When to build the HNSW index: 'auto' (default) builds it at `open` when the table
   * already has rows, otherwise after the first bulk load, at `finalize()` or `close()`;
   * 'never' leaves indexing to you.
   */
  index?: 'auto' | 'never';
  /** maintenance_work_mem for the HNSW build (default: sized to the rows, at most 4 GB, never below the server's setting). */
  indexBuildMemory?: string;
  /** Parallel workers for the HNSW build (default: the server's max_parallel_maintenance_workers). */
  indexBuildWorkers?: number;
}

export interface SqlPgvectorSinkOptions extends PgvectorSinkCommonOptions {
  id: string;
  /** Opens the engine connection; called by `open`, never before. */
  connect: (signal?: AbortSignal) => Promise<SqlDriver>;
  /** Whether the engine can take concurrent writes (a pool) or not (PGlite, one client). */
  concurrentWrites: boolean;
}

/** A pgvector sink: SinkV1, with `finalize()` that builds a deferred index now. */
export interface PgvectorSink extends SinkV1 {
  /** The table, quoted and schema-qualified as the SQL uses it. */
  readonly table: string;
  /**
   * Builds the HNSW index if the sink deferred it (after a first bulk load). Idempotent.
   * Reports progress every 2 s on PostgreSQL servers (not PGlite).
   */
  finalize(options?: SinkFinalizeOptions): Promise<void>;
  /** A view over the table (see `pgvectorAlias`). */
  readonly alias: SinkAlias;
  /** Drops the table (refused while a view over it exists). */
  drop(options?: SinkCallOptions): Promise<void>;
}

/**
 * One SQL implementation of the pgvector sink, on any SqlDriver (pg or PGlite): the
 * table (`pgvector-table.ts`), the write path (`pgvector-write.ts`) and the read path
 * (`pgvector-read.ts`) composed here, with the index policy.
 *
 * Index: loading into a table that already has an HNSW index is ~60x slower, so on a
 * first bulk load (the table was empty at `open`) the index is built after the load,
 * by `finalize()` or `close()`. A process that dies before that leaves a table without
 * the index; search stays correct (an exact scan) and the next `open` of a table with
 * rows builds it.
 */
export function createSqlPgvectorSink(options: SqlPgvectorSinkOptions): PgvectorSink {
  const table =
    options.schema === undefined
      ? quoteIdentifier(options.table)
      : `${quoteIdentifier(options.schema)}.${quoteIdentifier(options.table)}`;
  const indexName = quoteIdentifier(derivedName('drift_hnsw', table));
  const sinkId = options.id;
  const handle = createSinkHandle<SqlDriver>('pgvector', sinkId);

  let dimensions = 0;
  let indexPending = false;

  const fail = (error: unknown, what: string) => toDriftError(error, what, sinkId);
  const context: PgvectorContext = {
    sinkId,
    table,
    ready: handle.ready,
    fail,
    dimensions: () => dimensions,
  };
  const writer = pgvectorWriter({
    ...context,
    stage: quoteIdentifier(derivedName('drift_stage', table)),
    storeContent: options.storeContent ?? true,
  });

  async function buildIndex(
    driverForIndex: SqlDriver,
    onProgress?: (progress: SinkBuildProgress) => void,
  ): Promise<void> {
    if (options.index === 'never' || dimensions > HNSW_MAX_DIMENSIONS) return;
    await buildHnswIndex(driverForIndex, {
      table,
      indexName,
      dimensions,
      ...(options.indexBuildMemory ? { memory: options.indexBuildMemory } : {}),
      ...(options.indexBuildWorkers !== undefined ? { workers: options.indexBuildWorkers } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  }

  const capabilities: SinkCapabilities = {
    concurrentWrites: options.concurrentWrites,
    maxPointsPerWrite: 2000,
  };

  return {
    specificationVersion: 'v1',
    id: sinkId,
    table,
    capabilities,
    alias: pgvectorAlias({
      sinkId,
      table: options.table,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      driver: handle.ready,
    }),

    async open(open) {
      handle.beforeOpen(open.signal);
      if (open.dimensions > VECTOR_MAX_DIMENSIONS) {
        throw new InvalidInputError(
          `pgvector holds at most ${VECTOR_MAX_DIMENSIONS} dimensions; the model says ${open.dimensions}.`,
        );
      }
      let opened: SqlDriver | undefined;
      try {
        opened = handle.current ?? (await options.connect(open.signal));
        const found = await opened.transaction((executor) =>
          verifyOrCreateTable(executor, { table, schema: options.schema }, open),
        );
        dimensions = open.dimensions;
        writer.opened(found.insertFastPath);
        const rows = await opened.query<{ present: boolean }>(
          `select exists(select 1 from ${table}) as present`,
        );
        if (rows[0]?.present) {
          await buildIndex(opened);
          indexPending = false;
        } else {
          indexPending = options.index !== 'never';
        }
        handle.set(opened);
        return { created: found.created };
      } catch (error) {
        // A failed open leaves nothing open: the engine may call open again.
        if (opened && opened !== handle.current) await opened.close().catch(() => {});
        throw fail(error, `open the table ${table}`);
      }
    },

    upsert: writer.upsert,
    delete: writer.delete,
    ...pgvectorReader(context),

    async finalize(call) {
      const current = handle.ready(call?.signal);
      if (!indexPending) return;
      try {
        await buildIndex(current, call?.onProgress);
        indexPending = false;
      } catch (error) {
        throw fail(error, `build the HNSW index on ${table}`);
      }
    },

    async drop(call) {
      const current = handle.ready(call?.signal);
      // Without CASCADE: a view applications query still pointing here makes it refuse.
      try {
        await current.query(`drop table if exists ${table}`);
        indexPending = false;
      } catch (error) {
        throw fail(error, `drop the table ${table}`);
      }
    },

    async close() {
      if (handle.closed) return;
      const current = handle.close();
      if (!current) return;
      try {
        if (indexPending) await buildIndex(current);
      } catch (error) {
        throw fail(error, `build the HNSW index on ${table}`);
      } finally {
        indexPending = false;
        await current.close();
      }
    },
  };
}
