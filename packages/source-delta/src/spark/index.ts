export { createSparkDeltaSource, openSparkDeltaSource, HASH_SUFFIX } from './spark-delta-source.js';
export type { SparkDeltaClient, SparkDeltaSource, SparkDeltaSourceOptions, SparkPushdownOptions } from './spark-delta-source.js';
export type { SparkDeltaErrorReason } from './spark-errors.js';
export { parseTableReference } from './spark-sql.js';
