export { type BinaryCopyOptions, encodeBinaryCopy } from './pgvector-binary-copy.js';
export type { SqlDriver, SqlExecutor } from './pgvector-driver.js';
export {
  createPgliteSink,
  createPgvectorSink,
  type PgliteSinkOptions,
  type PgvectorSinkOptions,
  toPgConnectionString,
} from './pgvector-factories.js';
export { createPgvectorSinkFromUri } from './pgvector-from-uri.js';
export { quoteIdentifier } from './pgvector-identifiers.js';
export { buildHnswIndex, type IndexBuildProgress } from './pgvector-index-build.js';
export {
  createSqlPgvectorSink,
  type FinalizeOptions,
  HNSW_MAX_DIMENSIONS,
  type PgvectorSink,
  type PgvectorSinkCommonOptions,
  type SqlPgvectorSinkOptions,
} from './pgvector-sink.js';
export {
  canonicalPgUri,
  DEFAULT_TABLE,
  type PgvectorUri,
  parsePgvectorUri,
} from './pgvector-uri.js';
