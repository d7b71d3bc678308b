import { AbortedError, NoChangeFeedError, SourceError } from '@drift-spark/core';
import type { SparkConnectError } from '@drift-spark/spark-connect';

/**
 * `SourceError.reason`s of the Spark engine: the native reader's where the cause is the
 * same (so callers handle both engines alike), plus the Spark-only ones.
 */
export type SparkDeltaErrorReason =
  | 'table-not-found'
  | 'not-a-delta-table'
  | 'cdf-not-enabled'
  | 'version-out-of-range'
  | 'invalid-range'
  | 'column-not-found'
  | 'schema-changed'
  | 'spark-unavailable'
  | 'spark-unauthenticated'
  | 'spark-invalid-url'
  | 'spark-session-lost'
  | 'spark-query-failed';

export function sparkDeltaError(
  reason: SparkDeltaErrorReason,
  message: string,
  options: { cause?: unknown; isRetryable?: boolean } = {},
): SourceError {
  return new SourceError(reason, message, options);
}

const marker = Symbol.for('drift-spark.spark-connect-error');

function isSparkConnectError(value: unknown): value is SparkConnectError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[marker] === true
  );
}

function hasClass(error: SparkConnectError, ...classes: string[]): boolean {
  const errorClass = error.errorClass;
  return (
    errorClass !== undefined &&
    classes.some((name) => errorClass === name || errorClass.startsWith(`${name}.`))
  );
}

/** Maps a Spark Connect failure to the source error a Drift user reads; other errors pass through. */
export function toSourceError(error: unknown, table: string): unknown {
  if (!isSparkConnectError(error)) return error;
  const options = { cause: error };
  switch (error.code) {
    case 'spark-connect/aborted':
      return new AbortedError('Reading the table through Spark was aborted.', options);
    case 'spark-connect/unavailable':
      return sparkDeltaError('spark-unavailable', error.message, { ...options, isRetryable: true });
    case 'spark-connect/unauthenticated':
      return sparkDeltaError('spark-unauthenticated', error.message, options);
    case 'spark-connect/invalid-url':
      return sparkDeltaError(
        'spark-invalid-url',
        `${error.message} (--spark or SPARK_REMOTE)`,
        options,
      );
    case 'spark-connect/session-lost':
      return sparkDeltaError('spark-session-lost', error.message, {
        ...options,
        isRetryable: true,
      });
    default:
      break;
  }
  if (
    hasClass(
      error,
      'TABLE_OR_VIEW_NOT_FOUND',
      'PATH_NOT_FOUND',
      'DELTA_TABLE_NOT_FOUND',
      'DELTA_PATH_DOES_NOT_EXIST',
    )
  ) {
    return sparkDeltaError(
      'table-not-found',
      `Spark cannot find the table ${table}: ${error.message} Check the name (catalog.schema.table) or the path.`,
      options,
    );
  }
  if (
    hasClass(
      error,
      'DELTA_MISSING_DELTA_TABLE',
      'DELTA_TABLE_ONLY_OPERATION',
      'DELTA_NOT_A_DELTA_TABLE',
    )
  ) {
    return sparkDeltaError(
      'not-a-delta-table',
      `${table} is not a Delta table (or does not exist): ${error.message}`,
      options,
    );
  }
  if (
    hasClass(
      error,
      'DELTA_MISSING_CHANGE_DATA',
      'DELTA_CHANGE_DATA_FEED_NOT_ENABLED',
      'DELTA_CHANGE_TABLE_FEED_DISABLED',
    )
  ) {
    return new NoChangeFeedError(
      `The Change Data Feed of ${table} does not cover the requested versions: ${error.message} Enable it with ALTER TABLE … SET TBLPROPERTIES (delta.enableChangeDataFeed = true), and read changes only from versions after that.`,
      options,
    );
  }
  if (
    hasClass(
      error,
      'DELTA_VERSION_NOT_FOUND',
      'DELTA_CDC_START_VERSION_AFTER_LATEST',
      'DELTA_TIMESTAMP_GREATER_THAN_COMMIT',
      'DELTA_CDC_END_VERSION_AFTER_LATEST',
    )
  ) {
    return sparkDeltaError(
      'version-out-of-range',
      `The requested version of ${table} does not exist: ${error.message}`,
      options,
    );
  }
  if (
    hasClass(
      error,
      'DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_SCHEMA_CHANGE',
      'DELTA_CHANGE_DATA_FEED_INCOMPATIBLE_DATA_SCHEMA',
    )
  ) {
    return sparkDeltaError(
      'schema-changed',
      `The schema of ${table} changed inside the change range in a way Spark does not read through: ${error.message} Rebuild from a snapshot (a recovery) and read changes after it.`,
      options,
    );
  }
  if (hasClass(error, 'UNRESOLVED_COLUMN')) {
    return sparkDeltaError(
      'column-not-found',
      `A requested column is not in ${table}: ${error.message}`,
      options,
    );
  }
  return sparkDeltaError('spark-query-failed', `Spark failed reading ${table}: ${error.message}`, {
    ...options,
    isRetryable: error.isRetryable,
  });
}
