import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parsePgvectorUri, toPgConnectionString } from '@drift-spark/sink-pgvector';
import { repoRoot } from './cli-harness.js';
import { readSink } from './cli-state.js';

/** The drivers the pgvector sink uses, loaded from its package (the tests reach the stores directly). */
const fromSink = createRequire(`${repoRoot}packages/sink-pgvector/package.json`);
const load = async <T>(name: string): Promise<T> =>
  (await import(pathToFileURL(fromSink.resolve(name)).href)) as T;

/** What a test reads back from a sink: per point id, its key, hash and stored text. */
export type SinkPoints = Map<string, { key: string; contentHash: string; content: string | null }>;

/** A sink the CLI writes, and what a test does to it behind the CLI's back. */
export interface SinkUnderTest {
  name: string;
  uri: string;
  read(): Promise<SinkPoints>;
  /** DROP TABLE, delete the collection, remove the folder. */
  drop(): Promise<void>;
  deletePoints(ids: string[]): Promise<void>;
}

/** Runs SQL on a pg:// or pglite:// sink's database (while no CLI has it open). */
export async function sql(uri: string, statement: string): Promise<void> {
  const parsed = parsePgvectorUri(uri);
  if (parsed.engine === 'pg') {
    interface PgClient {
      connect(): Promise<void>;
      query(sql: string): Promise<unknown>;
      end(): Promise<void>;
    }
    const { default: pg } = await load<{
      default: { Client: new (options: { connectionString: string }) => PgClient };
    }>('pg');
    const client = new pg.Client({ connectionString: toPgConnectionString(uri) });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
    return;
  }
  interface Pglite {
    exec(sql: string): Promise<unknown>;
    close(): Promise<void>;
  }
  const { PGlite } = await load<{
    PGlite: { create(dataDir: string, options: { extensions: object }): Promise<Pglite> };
  }>('@electric-sql/pglite');
  const { vector } = await load<{ vector: object }>('@electric-sql/pglite-pgvector');
  const db = await PGlite.create(parsed.dataDir as string, { extensions: { vector } });
  try {
    await db.exec(statement);
  } finally {
    await db.close();
  }
}

export function pgvectorSink(name: string, uri: string, model: string, dimensions: number) {
  const table = parsePgvectorUri(uri).table;
  const sink: SinkUnderTest = {
    name,
    uri,
    read: () => readSink(uri, model, dimensions),
    drop: async () => {
      const parsed = parsePgvectorUri(uri);
      if (parsed.engine === 'pglite') {
        const { rmSync } = await import('node:fs');
        rmSync(parsed.dataDir as string, { recursive: true, force: true });
      } else await sql(uri, `drop table "${table}"`);
    },
    deletePoints: (ids) =>
      sql(uri, `delete from "${table}" where id in (${ids.map((id) => `'${id}'`).join(', ')})`),
  };
  return sink;
}

/** A Qdrant collection (the stand-in or a server at QDRANT_URL), through its REST API. */
export function qdrantSink(baseUrl: string, collection: string): SinkUnderTest {
  const url = baseUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { result: unknown };
  };
  return {
    name: 'qdrant',
    uri: `${url.replace(/^http:\/\//, 'qdrant://')}/${collection}`,
    async read() {
      const points: SinkPoints = new Map();
      let offset: unknown = null;
      do {
        const { result } = (await call('POST', `/collections/${collection}/points/scroll`, {
          limit: 256,
          with_payload: true,
          with_vector: false,
          ...(offset === null ? {} : { offset }),
        })) as {
          result: {
            points: { id: string; payload: Record<string, string | null> }[];
            next_page_offset: unknown;
          };
        };
        for (const point of result.points)
          points.set(point.id, {
            key: String(point.payload.key),
            contentHash: String(point.payload.content_hash),
            content: point.payload.content ?? null,
          });
        offset = result.next_page_offset ?? null;
      } while (offset !== null);
      return points;
    },
    drop: async () => void (await call('DELETE', `/collections/${collection}`)),
    deletePoints: async (ids) =>
      void (await call('POST', `/collections/${collection}/points/delete?wait=true`, {
        points: ids,
      })),
  };
}

/**
 * The three sinks a test checks alike: PGlite in `folder` (table `pgliteTable`), and a
 * PostgreSQL table and a Qdrant collection both named `name` (DATABASE_URL, QDRANT_URL).
 */
export function sinksOfEveryKind(
  folder: string,
  pgliteTable: string,
  name: string,
  model: string,
  dimensions: number,
): SinkUnderTest[] {
  const databaseUrl = process.env.DATABASE_URL!.replace(/\?.*$/, '');
  return [
    pgvectorSink('pglite', `pglite://${folder}?table=${pgliteTable}`, model, dimensions),
    pgvectorSink('postgres', `${databaseUrl}?table=${name}`, model, dimensions),
    qdrantSink(process.env.QDRANT_URL!, name),
  ];
}
