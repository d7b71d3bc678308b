import { resolve as resolvePath } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { ClientBase, Pool } from 'pg';
import { createPgDriver } from './pg-driver.js';
import { createPgliteDriver } from './pglite-driver.js';
import { withPgliteSearchIndex } from './pglite-search-index.js';
import { assertIdentifier } from './pgvector-identifiers.js';
import {
  createSqlPgvectorSink,
  type PgvectorSink,
  type PgvectorSinkCommonOptions,
} from './pgvector-sink.js';
import { canonicalPgUri, storageQuery } from './pgvector-uri.js';

export interface PgvectorSinkOptions extends PgvectorSinkCommonOptions {
  /** `postgres://user[:password]@host:5432/db?sslmode=…`; the password may also come from PGPASSWORD. */
  connectionString?: string;
  /** Your own `pg` pool (never ended by the sink). */
  pool?: Pool;
  /** Your own connected `pg` client (never ended by the sink; calls on it run one at a time). */
  client?: ClientBase;
  /** Connections the sink's own pool may open (default 4). */
  maxConnections?: number;
}

/** A pgvector sink on a PostgreSQL server through `pg`. Lazy: nothing connects before `open()`. */
export function createPgvectorSink(options: PgvectorSinkOptions): PgvectorSink {
  assertIdentifier(options.table);
  if (options.schema !== undefined) assertIdentifier(options.schema);
  const source = options.pool ?? options.client;
  const id = options.connectionString
    ? canonicalPgUri(options.connectionString, options.table, options.schema)
    : `pg://${describeInjected(source)}?${storageQuery(options.table, options.schema)}`;
  return createSqlPgvectorSink({
    ...options,
    id,
    concurrentWrites: !options.client,
    connect: () =>
      createPgDriver({
        ...(options.connectionString === undefined
          ? {}
          : { connectionString: toPgConnectionString(options.connectionString) }),
        ...(options.pool ? { pool: options.pool } : {}),
        ...(options.client ? { client: options.client } : {}),
        ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      }),
  });
}

export interface PgliteSinkOptions extends PgvectorSinkCommonOptions {
  /** A data directory (created if missing), or 'memory'. Default 'memory'. */
  dataDir?: string;
  /** Your own PGlite instance, created with `extensions: { vector }` (never closed by the sink). */
  database?: PGlite;
  /**
   * How long `open` waits while another process holds the data directory (PGlite takes
   * one process at a time) before it refuses. Default 300 000 ms.
   */
  lockTimeoutMs?: number;
  /** Told once when `open` starts waiting for another process that holds the directory. */
  onLockWait?: (message: string) => void;
}

/**
 * A pgvector sink on embedded PGlite with its pgvector extension: the same SQL as on a
 * server. Lazy: the database starts at `open()`. One PGlite instance per data directory.
 */
export function createPgliteSink(options: PgliteSinkOptions): PgvectorSink {
  assertIdentifier(options.table);
  if (options.schema !== undefined) assertIdentifier(options.schema);
  // The folder made absolute: the id names one database whatever folder the process runs in.
  const dataDir =
    options.dataDir === undefined || options.dataDir === 'memory'
      ? 'memory'
      : resolvePath(options.dataDir);
  const inMemory = options.database
    ? !options.database.dataDir || options.database.dataDir.startsWith('memory://')
    : dataDir === 'memory';
  const sink = createSqlPgvectorSink({
    ...options,
    id: `pglite://${options.database ? '(instance)' : dataDir}?${storageQuery(options.table, options.schema)}`,
    concurrentWrites: false,
    connect: (signal) =>
      createPgliteDriver(
        options.database
          ? { database: options.database }
          : {
              dataDir,
              ...(options.lockTimeoutMs === undefined
                ? {}
                : { lockTimeoutMs: options.lockTimeoutMs }),
              ...(options.onLockWait ? { onLockWait: options.onLockWait } : {}),
              ...(signal ? { signal } : {}),
            },
      ),
  });
  // An in-memory database starts empty in every process: the ledger's records of it are stale.
  if (inMemory) Object.assign(sink, { persistent: false });
  return withPgliteSearchIndex(sink, options.index);
}

/** `pg://` is Drift's short form; `pg` reads `postgres://`. The `table` and `schema` parameters are Drift's. */
export function toPgConnectionString(uri: string): string {
  const url = new URL(uri.replace(/^pg:\/\//, 'postgres://'));
  url.searchParams.delete('table');
  url.searchParams.delete('schema');
  return url.toString();
}

function describeInjected(source: unknown): string {
  const options = (source as { options?: { host?: unknown; database?: unknown } } | undefined)
    ?.options;
  const host = (source as { host?: unknown })?.host ?? options?.host;
  const database = (source as { database?: unknown })?.database ?? options?.database;
  return `${typeof host === 'string' ? host : 'client'}/${typeof database === 'string' ? database : ''}`;
}
