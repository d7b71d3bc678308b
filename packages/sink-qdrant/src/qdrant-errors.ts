import {
  AbortedError,
  DriftError,
  FatalError,
  RateLimitedError,
  redactSecrets,
  SinkError,
  TransientError,
} from '@drift-spark/core';

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Qdrant's error text from its `{status: {error}}` body, when there is one; never a credential. */
function qdrantMessage(error: unknown): string {
  const data = (error as { data?: { status?: { error?: unknown } } })?.data;
  const text = data?.status?.error;
  return redactSecrets(
    typeof text === 'string'
      ? text
      : (((error as { message?: string })?.message ?? String(error)).split('\n')[0] ?? ''),
  );
}

/**
 * Turns a @qdrant/js-client-rest error into a Drift error by its HTTP status, error
 * class name or socket code, never by message text.
 */
export function toDriftError(error: unknown, what: string, sinkId: string): DriftError {
  if (DriftError.isInstance(error)) return error;
  const name = (error as { name?: string })?.name;
  if (name === 'AbortError') return new AbortedError(undefined, { cause: error });
  const status = Number((error as { status?: unknown })?.status ?? Number.NaN);
  const message = qdrantMessage(error);
  if (name === 'QdrantClientResourceExhaustedError' || status === 429) {
    const seconds = Number((error as { retry_after?: unknown })?.retry_after);
    return new RateLimitedError(`Qdrant (${sinkId}) asked to slow down while trying to ${what}.`, {
      cause: error,
      ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  const code = String(
    (error as { cause?: { code?: unknown } })?.cause?.code ??
      (error as { code?: unknown })?.code ??
      '',
  );
  if (
    name === 'QdrantClientTimeoutError' ||
    status >= 500 ||
    status === 408 ||
    TRANSIENT_NODE_CODES.has(code)
  ) {
    return new TransientError(
      `Qdrant (${sinkId}) could not ${what}: ${message || code}. It will be tried again.`,
      { cause: error },
    );
  }
  if (status === 401 || status === 403) {
    return new FatalError(
      `Qdrant (${sinkId}) refused the credentials while trying to ${what}: set QDRANT_API_KEY to a key with write access.`,
      {
        cause: error,
      },
    );
  }
  if (name === 'TypeError' && code === '') {
    return new TransientError(`Qdrant (${sinkId}) could not be reached to ${what}: ${message}.`, {
      cause: error,
    });
  }
  return new SinkError(
    `Qdrant (${sinkId}) could not ${what}: ${message}${Number.isFinite(status) ? ` (HTTP ${status})` : ''}.`,
    { cause: error },
  );
}
