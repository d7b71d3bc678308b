import { hostname as osHostname } from 'node:os';
import { LedgerError, PluginStateError } from '@drift-spark/core';
import Database from 'better-sqlite3';
import { LedgerNames } from './sqlite-ledger-names.js';
import { ensureLedgerDirectory, resolveLedgerPath } from './sqlite-ledger-path.js';
import { migrateLedger } from './sqlite-ledger-schema.js';

export interface SqliteLedgerOptions {
  /**
   * The ledger file. Default: `DRIFT_LEDGER`, else `~/.drift/ledger.db` (read at first
   * use; the directory is created). `:memory:` gives a private in-memory ledger.
   */
  path?: string;
  /** How long to wait for another process's write transaction, in ms. Default 10 000. */
  busyTimeoutMs?: number;
  /** SQLite page cache, in MiB. Default 64. */
  cacheSizeMiB?: number;
  /**
   * How many vectors of edited chunks to keep per sink, so an edit undone pays nothing
   * (`keepRetiredVectors`); the oldest go first. Default 10 000 (about 60 MB at 1,536
   * dimensions); 0 keeps none.
   */
  retiredVectors?: number;
}

/** The open file: the database, its names table, where it is and who we are. */
export interface SqliteConnection {
  db: Database.Database;
  names: LedgerNames;
  path: string;
  hostname: string;
}

/**
 * The ledger's one connection, opened at first use (so creating a ledger reads nothing).
 * Each part of the ledger builds its methods with `method` and its prepared statements
 * with `statements`, both against this connection.
 */
export interface LazyConnection {
  /** The open connection; opens it on first use, refuses after close. */
  get(): SqliteConnection;
  /** Statements prepared once, on the first call after the connection opened. */
  statements<T>(prepare: (connection: SqliteConnection) => T): () => T;
  /** A ledger method: opens lazily, runs `body`, turns SQLite errors into a `LedgerError` naming `what`. */
  method<Args extends unknown[], Result>(
    what: string,
    body: (...args: Args) => Result,
  ): (...args: Args) => Promise<Result>;
  close(): Promise<void>;
}

export function lazyConnection(options: SqliteLedgerOptions): LazyConnection {
  let connection: SqliteConnection | undefined;
  let closed = false;
  const get = (): SqliteConnection => {
    if (closed)
      throw new PluginStateError(
        'This SQLite ledger is closed; create a new one with createSqliteLedger().',
      );
    connection ??= openConnection(options);
    return connection;
  };
  return {
    get,
    statements(prepare) {
      let prepared: unknown;
      return () => {
        prepared ??= prepare(get());
        return prepared as ReturnType<typeof prepare>;
      };
    },
    method(what, body) {
      return async (...args) => {
        const { path } = get();
        try {
          return body(...args);
        } catch (error) {
          throw sqliteError(error, path, what);
        }
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const db = connection?.db;
      connection = undefined;
      if (!db) return;
      try {
        // Keeps the query planner's statistics fresh (bounded by analysis_limit).
        db.pragma('optimize');
      } catch {
        // Statistics are an optimisation: a busy or read-only file must not fail close().
      }
      db.close();
    },
  };
}

/** A SQLite error as a `LedgerError` (retryable when the file stayed busy); others unchanged. */
function sqliteError(error: unknown, path: string, what: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const busy = code.startsWith('SQLITE_BUSY');
  return new LedgerError(
    busy
      ? `The Drift ledger at ${path} stayed busy (another process is writing) while trying to ${what}. Try again; if it persists, check for a stuck drift process.`
      : `The Drift ledger at ${path} failed to ${what}: ${(error as Error).message}.`,
    { cause: error, isRetryable: busy },
  );
}

function openConnection(options: SqliteLedgerOptions): SqliteConnection {
  const path = resolveLedgerPath(options.path);
  let db: Database.Database;
  try {
    ensureLedgerDirectory(path);
    db = new Database(path);
  } catch (error) {
    throw new LedgerError(
      `Could not open the Drift ledger at ${path}: ${(error as Error).message}. Check the path (--ledger / DRIFT_LEDGER) and its permissions.`,
      { cause: error },
    );
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = ${-1024 * (options.cacheSizeMiB ?? 64)}`);
    db.pragma('temp_store = MEMORY');
    // After a checkpoint, shrink a write-ahead log that a big batch grew.
    db.pragma('journal_size_limit = 67108864');
    db.pragma('analysis_limit = 1000');
    migrateLedger(db, undefined, path);
  } catch (error) {
    db.close();
    if (error instanceof LedgerError) throw error;
    throw new LedgerError(
      `Could not prepare the Drift ledger at ${path}: ${(error as Error).message}.`,
      { cause: error },
    );
  }
  return { db, names: new LedgerNames(db), path, hostname: osHostname() };
}
