import type { PGlite, Transaction } from '@electric-sql/pglite';
import { type FolderLock, lockFolder } from './pglite-folder-lock.js';
import { openPgliteFolder } from './pglite-open-folder.js';
import type { SqlDriver, SqlExecutor } from './pgvector-driver.js';

export interface PgliteDriverOptions {
  /** A data directory, or 'memory' for an in-memory database. */
  dataDir?: string;
  /** Your own PGlite instance, created with the pgvector extension; never closed by the sink. */
  database?: PGlite;
  /** How long to wait for another process that holds the data directory (default 5 min). */
  lockTimeoutMs?: number;
  /** Told once when another process holds the data directory and the open waits for it. */
  onLockWait?: (message: string) => void;
  signal?: AbortSignal;
}

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

function executorFor(database: Queryable): SqlExecutor {
  return {
    async query(sql, parameters) {
      const result = await database.query(sql, parameters as unknown[] | undefined);
      return result.rows as never[];
    },
    async copyBinary(table, columns, data) {
      // PGlite reads COPY FROM its virtual '/dev/blob' file, filled from the Blob passed with the query.
      await database.query(`copy ${table} (${columns}) from '/dev/blob' with (format binary)`, [], {
        blob: new Blob([data as Uint8Array<ArrayBuffer>]),
      });
    },
  };
}

/** A SqlDriver on PGlite with its pgvector extension (one connection, calls run one at a time). */
export async function createPgliteDriver(options: PgliteDriverOptions): Promise<SqlDriver> {
  let database = options.database;
  const owned = !database;
  let lock: FolderLock | undefined;
  if (!database) {
    const dataDir =
      options.dataDir === undefined || options.dataDir === 'memory' ? undefined : options.dataDir;
    if (dataDir) {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(dataDir, { recursive: true });
      lock = await lockFolder(dataDir, {
        ...(options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs }),
        ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    try {
      database = await openPgliteFolder(dataDir);
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }
  const instance = database;
  return {
    concurrent: false,
    ...executorFor(instance),
    transaction: (work) => instance.transaction((transaction) => work(executorFor(transaction))),
    async close() {
      try {
        if (owned) await instance.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
