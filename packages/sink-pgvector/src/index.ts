export { createPgvectorSink, createPgliteSink, toPgConnectionString, type PgvectorSinkOptions, type PgliteSinkOptions } from './pgvector-factories.js';
export { createPgvectorSinkFromUri } from './pgvector-from-uri.js';
export { parsePgvectorUri, canonicalPgUri, DEFAULT_TABLE, type PgvectorUri } from './pgvector-uri.js';
export { createSqlPgvectorSink, HNSW_MAX_DIMENSIONS, type PgvectorSink, type PgvectorSinkCommonOptions, type SqlPgvectorSinkOptions } from './pgvector-sink.js';
export { encodeBinaryCopy, type BinaryCopyOptions } from './pgvector-binary-copy.js';
export { quoteIdentifier } from './pgvector-identifiers.js';
export type { SqlDriver, SqlExecutor } from './pgvector-driver.js';
