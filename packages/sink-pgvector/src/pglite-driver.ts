import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlDriver, SqlExecutor } from './pgvector-driver.js';

export interface PgliteDriverOptions {
  /** A data directory, or 'memory' for an in-memory database. */
  dataDir?: string;
  /** Your own PGlite instance, created with the pgvector extension; never closed by the sink. */
  database?: PGlite;
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
  if (!database) {
    const [{ PGlite }, { vector }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
    ]);
    const dataDir =
      options.dataDir === undefined || options.dataDir === 'memory' ? undefined : options.dataDir;
    if (dataDir) {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(dataDir, { recursive: true });
    }
    database = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } });
  }
  const instance = database;
  return {
    concurrent: false,
    ...executorFor(instance),
    transaction: (work) => instance.transaction((transaction) => work(executorFor(transaction))),
    async close() {
      if (owned) await instance.close();
    },
  };
}
