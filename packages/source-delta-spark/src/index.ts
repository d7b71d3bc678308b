export type {
  SparkDeltaClient,
  SparkDeltaSource,
  SparkDeltaSourceOptions,
  SparkPushdownOptions,
} from './spark-delta-source.js';
export { createSparkDeltaSource, HASH_SUFFIX, openSparkDeltaSource } from './spark-delta-source.js';
export type { SparkDeltaErrorReason } from './spark-errors.js';
export { parseTableReference } from './spark-sql.js';
