export { createSparkConnectClient } from './spark-connect-client.js';
export type {
  SparkCallOptions,
  SparkConfig,
  SparkConnectClient,
  SparkConnectClientOptions,
  SparkConnectStats,
  SparkQueryResult,
} from './spark-connect-client.js';
export { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';
export type { SparkConnectErrorOptions } from './spark-connect-error.js';
export { parseConnectionString, DEFAULT_SPARK_CONNECT_PORT, DEFAULT_MAX_MESSAGE_SIZE } from './connection-string.js';
export type { SparkConnectionSettings } from './connection-string.js';
export type { SparkField } from './data-type.js';
export type { ArrowRow } from './arrow-batches.js';
export { batchToRows, decodeArrowPayload } from './arrow-batches.js';
export { createGrpcTransport } from './grpc-transport.js';
export type { SparkTransport, ServerStream, SparkRpc } from './grpc-transport.js';
