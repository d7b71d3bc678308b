import { fromBinary } from '@bufbuild/protobuf';
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import {
  ErrorInfoSchema,
  RetryInfoSchema,
  type Status,
  StatusSchema,
} from './gen/google/rpc/status_pb.js';
import type { FetchErrorDetailsResponse } from './gen/spark/connect/base_pb.js';
import { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';

/** gRPC status codes used here (from the gRPC spec). */
export const GrpcStatus = {
  Ok: 0,
  Cancelled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
  Unimplemented: 12,
} as const;

/** What the `grpc-status-details-bin` trailer said (google.rpc.Status → ErrorInfo, RetryInfo). */
export interface SparkErrorInfo {
  exceptionClass?: string;
  errorClass?: string;
  sqlState?: string;
  errorId?: string;
  messageParameters?: Record<string, string>;
  retryDelayMs?: number;
}

export function isServiceError(value: unknown): value is ServiceError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ServiceError).code === 'number' &&
    'metadata' in value
  );
}

/** Decodes the ErrorInfo and RetryInfo details Spark puts in the status trailer. */
export function readErrorInfo(metadata: Metadata | undefined): SparkErrorInfo {
  const info: SparkErrorInfo = {};
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (raw === undefined) return info;
  let status: Status;
  try {
    status = fromBinary(StatusSchema, typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw);
  } catch {
    return info;
  }
  for (const detail of status.details) {
    try {
      if (detail.typeUrl.endsWith('/google.rpc.ErrorInfo')) {
        const errorInfo = fromBinary(ErrorInfoSchema, detail.value);
        info.exceptionClass = errorInfo.reason || undefined;
        const meta = errorInfo.metadata;
        if (meta.errorClass) info.errorClass = meta.errorClass;
        if (meta.sqlState) info.sqlState = meta.sqlState;
        if (meta.errorId) info.errorId = meta.errorId;
        if (meta.messageParameters) {
          try {
            info.messageParameters = JSON.parse(meta.messageParameters) as Record<string, string>;
          } catch {
            // Truncated or not JSON: leave it out.
          }
        }
      } else if (detail.typeUrl.endsWith('/google.rpc.RetryInfo')) {
        const retry = fromBinary(RetryInfoSchema, detail.value);
        if (retry.retryDelay)
          info.retryDelayMs =
            Number(retry.retryDelay.seconds) * 1000 + Math.round(retry.retryDelay.nanos / 1e6);
      }
    } catch {
      // A detail this client cannot read; the status message still says what happened.
    }
  }
  return info;
}

/** The root error of a FetchErrorDetails answer, with its cause chain as text. */
export function summariseErrorDetails(details: FetchErrorDetailsResponse):
  | {
      message: string;
      errorClass?: string;
      sqlState?: string;
      messageParameters?: Record<string, string>;
    }
  | undefined {
  if (details.errors.length === 0) return undefined;
  const root = details.errors[details.rootErrorIdx ?? 0];
  if (root === undefined) return undefined;
  const causes: string[] = [];
  const seen = new Set<number>();
  let causeIndex = root.causeIdx;
  while (causeIndex !== undefined && !seen.has(causeIndex) && causes.length < 5) {
    seen.add(causeIndex);
    const cause = details.errors[causeIndex];
    if (cause === undefined) break;
    if (cause.message && cause.message !== root.message) causes.push(cause.message);
    causeIndex = cause.causeIdx;
  }
  const throwable = root.sparkThrowable;
  const parameters =
    throwable && Object.keys(throwable.messageParameters).length > 0
      ? { ...throwable.messageParameters }
      : undefined;
  return {
    message:
      causes.length > 0
        ? `${root.message} (caused by: ${causes.join('; caused by: ')})`
        : root.message,
    ...(throwable?.errorClass ? { errorClass: throwable.errorClass } : {}),
    ...(throwable?.sqlState ? { sqlState: throwable.sqlState } : {}),
    ...(parameters ? { messageParameters: parameters } : {}),
  };
}

export interface MapErrorContext {
  /** `host:port`, for messages about reaching the server (never the token). */
  address: string;
  /** What the client was doing, e.g. "running SQL". */
  action: string;
  /** The untruncated message from FetchErrorDetails, when fetched. */
  details?: ReturnType<typeof summariseErrorDetails>;
}

const sessionLostClasses = [
  'INVALID_HANDLE.SESSION_CHANGED',
  'INVALID_HANDLE.SESSION_NOT_FOUND',
  'INVALID_HANDLE.SESSION_CLOSED',
  'INVALID_HANDLE.OPERATION_NOT_FOUND',
  'INVALID_HANDLE.OPERATION_ABANDONED',
];

/** Turns a grpc-js failure into a SparkConnectError with a message that says what to do next. */
export function mapGrpcError(error: unknown, context: MapErrorContext): SparkConnectError {
  if (SparkConnectError.isInstance(error)) return error;
  if (!isServiceError(error)) {
    return new SparkConnectError(
      SparkConnectErrorCode.Rpc,
      `Spark Connect failed while ${context.action}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const info = readErrorInfo(error.metadata);
  const details = context.details;
  const errorClass = details?.errorClass ?? info.errorClass;
  const sqlState = details?.sqlState ?? info.sqlState;
  const messageParameters = details?.messageParameters ?? info.messageParameters;
  const serverMessage = details?.message ?? error.details ?? '';
  const common = {
    cause: error,
    grpcCode: error.code,
    ...(errorClass ? { errorClass } : {}),
    ...(sqlState ? { sqlState } : {}),
    ...(messageParameters ? { messageParameters } : {}),
    ...(info.exceptionClass ? { exceptionClass: info.exceptionClass } : {}),
    ...(info.retryDelayMs !== undefined ? { retryAfterMs: info.retryDelayMs } : {}),
  };
  switch (error.code) {
    case GrpcStatus.Unavailable:
      return new SparkConnectError(
        SparkConnectErrorCode.Unavailable,
        `Cannot reach the Spark Connect server at ${context.address} while ${context.action} (${serverMessage || 'unavailable'}). Check that the server is running and that the address (--spark or SPARK_REMOTE) and use_ssl are right.`,
        { ...common, isRetryable: true },
      );
    case GrpcStatus.Unauthenticated:
    case GrpcStatus.PermissionDenied:
      return new SparkConnectError(
        SparkConnectErrorCode.Unauthenticated,
        `The Spark Connect server at ${context.address} refused the credentials (${serverMessage || 'unauthenticated'}). Check the token=… parameter of the connection string (or the token option).`,
        common,
      );
    case GrpcStatus.Cancelled:
      return new SparkConnectError(
        SparkConnectErrorCode.Aborted,
        `The Spark Connect call was cancelled while ${context.action}.`,
        common,
      );
    case GrpcStatus.DeadlineExceeded:
      return new SparkConnectError(
        SparkConnectErrorCode.Rpc,
        `Spark Connect timed out while ${context.action}.`,
        { ...common, isRetryable: true },
      );
    case GrpcStatus.ResourceExhausted:
      return new SparkConnectError(
        SparkConnectErrorCode.Rpc,
        `A Spark Connect message was larger than allowed while ${context.action} (${serverMessage}). Raise grpc_max_message_size in the connection string.`,
        common,
      );
    case GrpcStatus.Unimplemented:
      return new SparkConnectError(
        SparkConnectErrorCode.Rpc,
        `The Spark Connect server does not implement this call (${serverMessage}); it may be older than this client expects (Spark 4.x).`,
        common,
      );
    default:
      break;
  }
  if (
    errorClass !== undefined &&
    sessionLostClasses.some((name) => errorClass === name || errorClass.startsWith(`${name}.`))
  ) {
    return new SparkConnectError(
      SparkConnectErrorCode.SessionLost,
      `The Spark Connect server lost the session or operation (${errorClass}), for example after a restart. Try again: a new session will be used.`,
      { ...common, isRetryable: true },
    );
  }
  if (
    errorClass !== undefined ||
    error.code === GrpcStatus.Internal ||
    error.code === GrpcStatus.Unknown ||
    error.code === GrpcStatus.InvalidArgument
  ) {
    const prefix =
      errorClass && !serverMessage.includes(`[${errorClass}]`) ? `[${errorClass}] ` : '';
    return new SparkConnectError(
      SparkConnectErrorCode.Spark,
      `Spark failed while ${context.action}: ${prefix}${serverMessage}`,
      {
        ...common,
        isRetryable: info.retryDelayMs !== undefined,
      },
    );
  }
  return new SparkConnectError(
    SparkConnectErrorCode.Rpc,
    `Spark Connect failed while ${context.action} (gRPC status ${error.code}): ${serverMessage}`,
    common,
  );
}
