import {
  AbortedError,
  DriftError,
  FatalError,
  PointRejectedError,
  redactSecrets,
  SinkError,
  TransientError,
} from '@drift-spark/core';

/** SQLSTATE classes and codes after which the same call may succeed. */
const TRANSIENT_CODES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03', '55P03']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Turns a driver error into a Drift error by its SQLSTATE or socket code, never by its
 * message text. `what` says what the sink was doing, for the message.
 */
export function toDriftError(error: unknown, what: string, sinkId: string): DriftError {
  if (DriftError.isInstance(error)) return error;
  if ((error as { name?: string })?.name === 'AbortError')
    return new AbortedError(undefined, { cause: error });
  const code = String((error as { code?: unknown })?.code ?? '');
  // A driver's message may quote the connection string it was given.
  const detail = redactSecrets((error as { message?: string })?.message ?? String(error));
  if (code.startsWith('08') || TRANSIENT_CODES.has(code) || TRANSIENT_NODE_CODES.has(code)) {
    return new TransientError(
      `The pgvector sink ${sinkId} could not ${what} (${code}: ${detail}); it will be tried again.`,
      { cause: error },
    );
  }
  if (code.startsWith('28') || code === '3D000') {
    return new FatalError(
      `The pgvector sink ${sinkId} could not ${what}: ${detail}. Check the user, password (PGPASSWORD) and database in the connection URI.`,
      {
        cause: error,
      },
    );
  }
  return new SinkError(
    `The pgvector sink ${sinkId} could not ${what}: ${detail}${code ? ` (SQLSTATE ${code})` : ''}.`,
    { cause: error },
  );
}

/**
 * Like `toDriftError`, for a write: a value the table refuses (SQLSTATE class 22, a data
 * exception, or 23, a constraint of the table) is a `PointRejectedError`, so the engine
 * fails that point alone and writes the others.
 */
export function toWriteError(error: unknown, what: string, sinkId: string): DriftError {
  const code = String((error as { code?: unknown })?.code ?? '');
  if (!DriftError.isInstance(error) && /^2[23]/.test(code)) {
    const detail = (error as { message?: string })?.message ?? String(error);
    return new PointRejectedError(
      `The pgvector sink ${sinkId} could not ${what}: the table refuses a value (${detail}, SQLSTATE ${code}). Fix the row in the source or the table's constraint; the next run retries it.`,
      { cause: error },
    );
  }
  return toDriftError(error, what, sinkId);
}
