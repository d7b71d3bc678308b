import { InvalidInputError, redactUri } from '@drift-spark/core';
import type { PgvectorSink } from './pgvector-sink.js';

/** The table used when a URI names none. */
export const DEFAULT_TABLE = 'drift_embeddings';

export interface PgvectorUri {
  engine: 'pg' | 'pglite';
  /** For pg: the connection URI as given (credentials included, never logged). */
  connectionString?: string;
  /** For pglite: a directory, or 'memory'. */
  dataDir?: string;
  table: string;
  schema?: string;
  storeContent?: boolean;
  /** `index=hnsw` or `index=none`, when the URI says. */
  index?: 'auto' | 'never';
}

/**
 * Parses `pg://user@host:5432/db?table=name`, `postgres://…`, `postgresql://…`,
 * `pglite://path?table=name`, `pglite:///absolute/path?table=name`, `pglite://memory?table=name`.
 * Optional parameters: `schema`, `content=false` (do not store the text), `index=hnsw|none`.
 */
export function parsePgvectorUri(uri: string): PgvectorUri {
  const match = /^([a-z]+):\/\//i.exec(uri);
  const scheme = match?.[1]?.toLowerCase();
  if (scheme === 'pglite') {
    const rest = uri.slice(match?.[0].length ?? 0);
    const queryAt = rest.indexOf('?');
    const path = decodeURIComponent(queryAt === -1 ? rest : rest.slice(0, queryAt));
    const query = new URLSearchParams(queryAt === -1 ? '' : rest.slice(queryAt + 1));
    if (path.length === 0)
      throw new InvalidInputError(
        `The URI ${redactUri(uri)} names no PGlite directory: use pglite://./.drift/pglite?table=name or pglite://memory?table=name.`,
      );
    return { engine: 'pglite', dataDir: path, ...common(query) };
  }
  if (scheme === 'pg' || scheme === 'postgres' || scheme === 'postgresql') {
    let url: URL;
    try {
      url = new URL(uri.replace(/^[a-z]+:\/\//i, 'postgres://'));
    } catch (error) {
      throw new InvalidInputError(
        'The PostgreSQL URI is not valid: expected pg://user@host:5432/db?table=name (percent-encode / @ : ? # in a password, or set PGPASSWORD instead).',
        { cause: error },
      );
    }
    return { engine: 'pg', connectionString: uri, ...common(url.searchParams) };
  }
  throw new InvalidInputError(
    `Not a pgvector sink URI (${scheme ?? 'no scheme'}): expected pg://, postgres:// or pglite://.`,
  );
}

function common(
  query: URLSearchParams,
): Pick<PgvectorUri, 'table' | 'schema' | 'storeContent' | 'index'> {
  const table = query.get('table') ?? DEFAULT_TABLE;
  const schema = query.get('schema');
  const content = query.get('content');
  const index = query.get('index');
  if (index !== null && index !== 'hnsw' && index !== 'none') {
    throw new InvalidInputError(
      `The sink URI has index=${index}; use index=hnsw (build an HNSW index) or index=none (exact search).`,
    );
  }
  return {
    table,
    ...(index === null ? {} : { index: index === 'hnsw' ? ('auto' as const) : ('never' as const) }),
    ...(schema ? { schema } : {}),
    ...(content === null ? {} : { storeContent: !/^(false|0|no)$/i.test(content) }),
  };
}

/**
 * The sink id: the URI without password, as `pg://user@host:port/db?schema=s&table=t`.
 * Everything that selects other storage is in it (host, port, database, schema, table,
 * and a `search_path` given in `options=`), so two tables never share one ledger record.
 */
export function canonicalPgUri(connectionString: string, table: string, schema?: string): string {
  try {
    const url = new URL(connectionString.replace(/^[a-z]+:\/\//i, 'postgres://'));
    const user = url.username ? `${url.username}@` : '';
    const extra = new URLSearchParams();
    // libpq parameters that choose another server, database or default schema.
    for (const name of ['host', 'port', 'dbname', 'options']) {
      const value = url.searchParams.get(name);
      if (value !== null) extra.set(name, value);
    }
    const more = extra.size > 0 ? `&${extra.toString()}` : '';
    return `pg://${user}${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}?${storageQuery(table, schema)}${more}`;
  } catch {
    return `pg://?${storageQuery(table, schema)}`;
  }
}

/** `table=t`, or `schema=s&table=t`: the part of a sink id that names the table. */
export function storageQuery(table: string, schema?: string): string {
  return `${schema === undefined ? '' : `schema=${encodeURIComponent(schema)}&`}table=${encodeURIComponent(table)}`;
}

export type { PgvectorSink };
