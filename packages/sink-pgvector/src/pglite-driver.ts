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

/**
 * The PGlite instances this process holds, per data folder: two sinks on one folder (the
 * two tables of a model migration, which a view must see in one database) share one
 * instance and one folder lock, closed when the last of them closes.
 */
const openFolders = new Map<string, { ready: Promise<OpenFolder>; users: number }>();

interface OpenFolder {
  database: PGlite;
  lock: FolderLock;
}

async function openFolder(dataDir: string, options: PgliteDriverOptions): Promise<OpenFolder> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dataDir, { recursive: true });
  const lock = await lockFolder(dataDir, {
    ...(options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs }),
    ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    return { database: await openPgliteFolder(dataDir), lock };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** A SqlDriver on PGlite with its pgvector extension (one connection, calls run one at a time). */
export async function createPgliteDriver(options: PgliteDriverOptions): Promise<SqlDriver> {
  if (options.database) return driverOn(options.database, async () => {});
  const dataDir =
    options.dataDir === undefined || options.dataDir === 'memory' ? undefined : options.dataDir;
  if (!dataDir) {
    const database = await openPgliteFolder(undefined);
    return driverOn(database, () => database.close());
  }
  let entry = openFolders.get(dataDir);
  if (!entry) {
    const ready = openFolder(dataDir, options);
    const created = { ready, users: 0 };
    entry = created;
    openFolders.set(dataDir, created);
    ready.catch(() => {
      if (openFolders.get(dataDir) === created) openFolders.delete(dataDir);
    });
  }
  const used = entry;
  used.users++;
  let folder: OpenFolder;
  try {
    folder = await used.ready;
  } catch (error) {
    used.users--;
    throw error;
  }
  let closed = false;
  return driverOn(folder.database, async () => {
    if (closed) return;
    closed = true;
    if (--used.users > 0) return;
    if (openFolders.get(dataDir) === used) openFolders.delete(dataDir);
    try {
      await folder.database.close();
    } finally {
      await folder.lock.release();
    }
  });
}

function driverOn(instance: PGlite, close: () => Promise<void>): SqlDriver {
  return {
    concurrent: false,
    ...executorFor(instance),
    transaction: (work) => instance.transaction((transaction) => work(executorFor(transaction))),
    close,
  };
}
