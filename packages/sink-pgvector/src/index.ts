export {
  createPgliteSink,
  createPgvectorSink,
  type PgliteSinkOptions,
  type PgvectorSinkOptions,
  toPgConnectionString,
} from './pgvector-factories.js';
export { createPgvectorSinkFromUri } from './pgvector-from-uri.js';
export type { PgvectorSink, PgvectorSinkCommonOptions } from './pgvector-sink.js';
export { type PgvectorUri, parsePgvectorUri } from './pgvector-uri.js';
