import type { SourceError } from '@drift-spark/core';
import { deltaError } from '../delta-errors.js';

/** What a failed store request means for the reader. */
export type StoreFailureKind =
  /** The object does not exist (404, NoSuchKey, BlobNotFound). */
  | 'not-found'
  /** Credentials or permissions (401, 403): never retried. */
  | 'denied'
  /** 5xx, throttling, a dropped connection: retried with backoff. */
  | 'transient'
  /** Anything else (400, a missing bucket): not retried. */
  | 'fatal';

export interface StoreFailure {
  kind: StoreFailureKind;
  /** The store's own error code (`AccessDenied`, `SlowDown`, `ECONNRESET`), or the HTTP status. */
  code: string;
  /** Milliseconds the store asked to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  /** What the user should do, when the store knows better than the default advice. */
  hint?: string;
}

const droppedConnectionCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The code of a dropped connection anywhere in the error's cause chain, if it is one. */
export function droppedConnectionCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && droppedConnectionCodes.has(code)) return code;
    const message = String((current as { message?: unknown }).message ?? '');
    if (/socket hang up|other side closed|premature close/i.test(message)) {
      return 'ECONNRESET';
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The kind of failure an HTTP status means, for stores whose SDK gives only a status. */
export function kindOfStatus(status: number | undefined): StoreFailureKind {
  if (status === undefined) return 'fatal';
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'denied';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'fatal';
}

/**
 * The one-line error for a request that failed for good. It names the object and the
 * store's code, never the SDK's message (which may echo a signed URL or a SAS token).
 */
export function storeFailureError(
  failure: StoreFailure,
  uri: string,
  attempts: number,
  cause: unknown,
): SourceError {
  switch (failure.kind) {
    case 'not-found':
      return deltaError('file-missing', `The file ${uri} does not exist.`, cause);
    case 'denied':
      return deltaError(
        'store-access-denied',
        `${failure.code} on ${uri}: ${failure.hint ?? 'the store refused the credentials Drift found in the environment; check them and that they may read this table'}.`,
        cause,
      );
    case 'transient':
      return deltaError(
        'store-unavailable',
        `${failure.code} on ${uri}, ${attempts} times: ${failure.hint ?? 'the store is failing or throttling; try again later'}.`,
        cause,
      );
    default:
      return deltaError(
        'store-unavailable',
        `${failure.code} on ${uri}: ${failure.hint ?? 'the store refused the request; check the table URI and the store settings'}.`,
        cause,
      );
  }
}
