const marker = Symbol.for('drift-spark.spark-connect-error');
/**
 * The marker of `DriftError` in `@drift-spark/core`. This package imports nothing of
 * Drift's, but carries the same marker so that `DriftError.isInstance(error)` and the
 * engine's retry rules (`code`, `isRetryable`) work on its errors too.
 */
const driftMarker = Symbol.for('drift-spark.error');

/** Stable codes of {@link SparkConnectError}. */
export const SparkConnectErrorCode = {
  /** The connection string (or SPARK_REMOTE) is malformed. */
  InvalidUrl: 'spark-connect/invalid-url',
  /** The server cannot be reached (refused, reset, DNS). Retryable. */
  Unavailable: 'spark-connect/unavailable',
  /** The server refused the credentials (missing or wrong token). */
  Unauthenticated: 'spark-connect/unauthenticated',
  /** Spark ran the request and reported an error (analysis, execution…): see `errorClass`. */
  Spark: 'spark-connect/spark',
  /** The server no longer knows the session or operation (restart, expiry). Retryable with a new session. */
  SessionLost: 'spark-connect/session-lost',
  /** The call was aborted through its AbortSignal. */
  Aborted: 'spark-connect/aborted',
  /** The client was used after `close()`. */
  Closed: 'spark-connect/closed',
  /** Any other gRPC failure, or an answer this client cannot read. */
  Rpc: 'spark-connect/rpc',
} as const;

export type SparkConnectErrorCode =
  (typeof SparkConnectErrorCode)[keyof typeof SparkConnectErrorCode];

export interface SparkConnectErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
  retryAfterMs?: number;
  /** Spark's error class, e.g. `TABLE_OR_VIEW_NOT_FOUND` or `DELTA_MISSING_CHANGE_DATA`. */
  errorClass?: string;
  /** The SQLSTATE Spark reported, e.g. `42P01`. */
  sqlState?: string;
  /** Spark's message parameters for the error class, when sent. */
  messageParameters?: Record<string, string>;
  /** The gRPC status code of the failed call. */
  grpcCode?: number;
  /** The server's exception class (ErrorInfo `reason`). */
  exceptionClass?: string;
}

/**
 * A Spark Connect failure with a stable `code`. Use `SparkConnectError.isInstance`
 * rather than `instanceof` (two copies of this package do not share a class).
 */
export class SparkConnectError extends Error {
  readonly [marker] = true;
  readonly [driftMarker] = true;
  readonly code: SparkConnectErrorCode;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Record<string, string> | undefined;
  readonly grpcCode: number | undefined;
  readonly exceptionClass: string | undefined;

  constructor(
    code: SparkConnectErrorCode,
    message: string,
    options: SparkConnectErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SparkConnectError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.errorClass = options.errorClass;
    this.sqlState = options.sqlState;
    this.messageParameters = options.messageParameters;
    this.grpcCode = options.grpcCode;
    this.exceptionClass = options.exceptionClass;
  }

  static isInstance(value: unknown): value is SparkConnectError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[marker] === true
    );
  }

  /** True when `value` is a Spark Connect error whose error class is `errorClass` or starts with `errorClass.`. */
  static hasErrorClass(value: unknown, errorClass: string): value is SparkConnectError {
    if (!SparkConnectError.isInstance(value) || value.errorClass === undefined) return false;
    return value.errorClass === errorClass || value.errorClass.startsWith(`${errorClass}.`);
  }
}

/** The error of a call whose AbortSignal fired. */
export function abortError(signal: AbortSignal | undefined): SparkConnectError {
  return new SparkConnectError(
    SparkConnectErrorCode.Aborted,
    'The Spark Connect call was aborted.',
    {
      cause: signal?.reason,
    },
  );
}
