import { SourceError } from '@drift-spark/core';

/** Stable sub-codes carried by `SourceError.reason` for every failure of the Delta reader. */
export type DeltaErrorReason =
  | 'table-not-found'
  | 'not-a-delta-table'
  | 'corrupt-log'
  | 'unsupported-reader-feature'
  | 'unsupported-protocol'
  | 'cdf-not-enabled'
  | 'schema-changed'
  | 'version-out-of-range'
  | 'version-not-available'
  | 'invalid-range'
  | 'file-missing'
  | 'permission-denied'
  | 'column-not-found'
  | 'corrupt-deletion-vector'
  | 'corrupt-data-file'
  /** The package that reads this object store is not installed. */
  | 'store-not-installed'
  /** The store refused the request (credentials, permissions): not retried. */
  | 'store-access-denied'
  /** The store kept failing (5xx, throttling, dropped connections) after the retries. */
  | 'store-unavailable';

/** A `SourceError` whose `reason` is one of the Delta reader's stable sub-codes. */
export function deltaError(
  reason: DeltaErrorReason,
  message: string,
  cause?: unknown,
): SourceError {
  return new SourceError(reason, message, cause === undefined ? {} : { cause });
}

/** True when `error` is a `SourceError` (from any copy of core) with this reason. */
export function hasReason(error: unknown, reason: DeltaErrorReason): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'source' &&
    (error as { reason?: unknown }).reason === reason
  );
}
