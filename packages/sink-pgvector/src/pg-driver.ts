import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase, Pool, PoolConfig } from 'pg';
import type { SqlDriver, SqlExecutor } from './pgvector-driver.js';

export interface PgDriverOptions {
  /** A `postgres://` connection string (sslmode and the rest as `pg` reads them). */
  connectionString?: string;
  /** Your own pool: used as it is and never ended by the sink. */
  pool?: Pool;
  /** Your own connected client: used as it is and never ended by the sink. */
  client?: ClientBase;
  /** Connections the sink's own pool may open. */
  maxConnections?: number;
}

/** A SqlDriver on `pg`: a pool of its own, or the pool or client you pass. */
export async function createPgDriver(options: PgDriverOptions): Promise<SqlDriver> {
  const { default: copyStreams } = await import('pg-copy-streams');
  let ownedPool: Pool | undefined;
  let pool = options.pool;
  if (!pool && !options.client) {
    const pg = await import('pg');
    const PoolClass = (pg.default?.Pool ?? (pg as unknown as { Pool: typeof Pool }).Pool) as new (
      config: PoolConfig,
    ) => Pool;
    ownedPool = new PoolClass({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 4,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    ownedPool.on('error', () => {});
    pool = ownedPool;
  }

  const executorFor = (client: ClientBase): SqlExecutor => ({
    async query(sql, parameters) {
      const result = await client.query(sql, parameters as unknown[] | undefined);
      return result.rows;
    },
    async copyBinary(table, columns, data) {
      const stream = client.query(
        copyStreams.from(`copy ${table} (${columns}) from stdin (format binary)`),
      );
      await pipeline(
        Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
        stream,
      );
    },
  });

  // One client runs one transaction at a time: calls on an injected client are serialised.
  let tail: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work, work);
    tail = next.catch(() => {});
    return next;
  };

  const withClient = async <T>(work: (client: ClientBase) => Promise<T>): Promise<T> => {
    if (options.client) {
      const client = options.client;
      return serialised(() => work(client));
    }
    const client = await (pool as Pool).connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // A connection-level failure must not go back to the pool.
      if (
        !(error as { code?: string })?.code ||
        String((error as { code?: string }).code).startsWith('08')
      )
        broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  };

  return {
    concurrent: !options.client,
    query: (sql, parameters) => withClient((client) => executorFor(client).query(sql, parameters)),
    copyBinary: (table, columns, data) =>
      withClient((client) => executorFor(client).copyBinary(table, columns, data)),
    transaction: (work) =>
      withClient(async (client) => {
        await client.query('begin');
        try {
          const result = await work(executorFor(client));
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        }
      }),
    async close() {
      if (ownedPool) await ownedPool.end();
    },
  };
}
