import { InvalidInputError, redactUri } from '@drift-spark/core';

/** The table used when a URI names none. */
export const DEFAULT_TABLE = 'drift_embeddings';
const OBJECT_STORE = /^(s3|s3\+ddb|gs|az|abfss?):\/\//i;

export interface LancedbUri {
  /** A folder, or an object-store prefix (`s3://bucket/path`, `gs://…`, `az://…`). */
  path: string;
  table: string;
  storeContent?: boolean;
  /** `index=auto` (default: IVF_HNSW_SQ after a large load) or `index=none` (exact search only). */
  index?: 'auto' | 'never';
}

/**
 * Parses `lancedb://./folder?table=name`, `lancedb:///absolute/folder?table=name` and, on
 * object storage, `lancedb://s3://bucket/prefix?table=name` (also gs://, az://). Optional:
 * `content=false` (do not store the text), `index=auto|none`.
 */
export function parseLancedbUri(uri: string): LancedbUri {
  const match = /^lancedb:\/\//i.exec(uri);
  if (!match)
    throw new InvalidInputError(
      `Not a LanceDB sink URI: expected lancedb://./folder?table=name or lancedb://s3://bucket/prefix?table=name.`,
    );
  const rest = uri.slice(match[0].length);
  const queryAt = rest.indexOf('?');
  const rawPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const path = OBJECT_STORE.test(rawPath) ? rawPath : decodeURIComponent(rawPath);
  const query = new URLSearchParams(queryAt === -1 ? '' : rest.slice(queryAt + 1));
  if (path.length === 0)
    throw new InvalidInputError(
      `The URI ${redactUri(uri)} names no LanceDB folder: use lancedb://./.drift/lancedb?table=name.`,
    );
  const table = query.get('table') ?? DEFAULT_TABLE;
  if (!/^[A-Za-z0-9_.-]+$/.test(table) || table.startsWith('.'))
    throw new InvalidInputError(
      `The LanceDB table name "${table}" may hold only letters, digits, "_", "-" and ".".`,
    );
  const index = query.get('index');
  if (index !== null && index !== 'auto' && index !== 'none')
    throw new InvalidInputError(
      `The sink URI has index=${index}; use index=auto (an ANN index after a large load) or index=none (exact search).`,
    );
  const content = query.get('content');
  return {
    path,
    table,
    ...(index === null ? {} : { index: index === 'none' ? ('never' as const) : ('auto' as const) }),
    ...(content === null ? {} : { storeContent: !/^(false|0|no)$/i.test(content) }),
  };
}

/** The sink id: `lancedb://<path>?table=<name>`, nothing else (no query secrets). */
export function canonicalLancedbUri(path: string, table: string): string {
  return `lancedb://${path.replace(/\/+$/, '')}?table=${encodeURIComponent(table)}`;
}

export function isObjectStorePath(path: string): boolean {
  return OBJECT_STORE.test(path);
}
