import {
  createPgliteSink,
  createPgvectorSink,
  type PgliteSinkOptions,
} from './pgvector-factories.js';
import type { PgvectorSink } from './pgvector-sink.js';
import { parsePgvectorUri } from './pgvector-uri.js';

/**
 * The sink a URI names: pg://, postgres:// (a server through `pg`) or pglite:// (embedded). Lazy.
 * PGlite builds no HNSW index unless the URI says `index=hnsw`: inside WASM the build takes
 * minutes per 10k rows, while an exact scan of an embedded table stays quick. A server builds
 * it unless the URI says `index=none`.
 */
export function createPgvectorSinkFromUri(
  uri: string,
  options: Pick<PgliteSinkOptions, 'storeContent' | 'lockTimeoutMs' | 'onLockWait'> = {},
): PgvectorSink {
  const parsed = parsePgvectorUri(uri);
  const storeContent = options.storeContent ?? parsed.storeContent;
  const common = {
    table: parsed.table,
    ...(parsed.schema ? { schema: parsed.schema } : {}),
    ...(storeContent === undefined ? {} : { storeContent }),
  };
  if (parsed.engine === 'pglite')
    return createPgliteSink({
      ...common,
      dataDir: parsed.dataDir ?? 'memory',
      index: parsed.index ?? 'never',
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
      ...(options.onLockWait ? { onLockWait: options.onLockWait } : {}),
    });
  return createPgvectorSink({
    ...common,
    connectionString: parsed.connectionString as string,
    ...(parsed.index ? { index: parsed.index } : {}),
  });
}
