import {
  AbortedError,
  DriftError,
  redactSecrets,
  SinkError,
  TransientError,
} from '@drift-spark/core';

/** The first line of LanceDB's message, never a credential. */
function lanceMessage(error: unknown): string {
  const text = (error as { message?: unknown })?.message;
  return redactSecrets((typeof text === 'string' ? text : String(error)).split('\n')[0] ?? '');
}

/**
 * A LanceDB error as a Drift error. LanceDB's native errors carry no code, only text:
 * a commit conflict with another writer and an object-store hiccup are worth a retry.
 */
export function toDriftError(error: unknown, what: string, sinkId: string): DriftError {
  if (DriftError.isInstance(error)) return error;
  if ((error as { name?: string })?.name === 'AbortError')
    return new AbortedError(undefined, { cause: error });
  const message = lanceMessage(error);
  if (/commit conflict|retryable|too many concurrent|timed? ?out|connection reset/i.test(message))
    return new TransientError(
      `LanceDB (${sinkId}) could not ${what}: ${message}. It will be tried again.`,
      { cause: error },
    );
  return new SinkError(`LanceDB (${sinkId}) could not ${what}: ${message}.`, { cause: error });
}
