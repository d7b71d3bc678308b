export type { ArrowRow } from './arrow-batches.js';
export type { SparkConnectionSettings } from './connection-string.js';
export type { SparkField } from './data-type.js';
export type { ServerStream, SparkRpc, SparkTransport } from './grpc-transport.js';
export type {
  SparkCallOptions,
  SparkConfig,
  SparkConnectClient,
  SparkConnectClientOptions,
  SparkConnectStats,
  SparkQueryResult,
} from './spark-connect-client.js';
export { createSparkConnectClient } from './spark-connect-client.js';
export type { SparkConnectErrorOptions } from './spark-connect-error.js';
export { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';
