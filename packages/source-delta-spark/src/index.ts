export type {
  SparkDeltaClient,
  SparkDeltaSource,
  SparkDeltaSourceOptions,
  SparkPushdownOptions,
} from './spark-delta-source.js';
export { createSparkDeltaSource, openSparkDeltaSource } from './spark-delta-source.js';
export type { SparkDeltaErrorReason } from './spark-errors.js';
