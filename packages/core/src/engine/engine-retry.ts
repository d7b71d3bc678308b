import { DriftError } from '../errors/drift-error.js';
import { AbortedError } from '../errors/errors.js';
import type { RetryOptions } from './engine-types.js';

export interface ResolvedRetryOptions {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  return {
    maxAttempts: Math.max(1, options?.maxAttempts ?? 8),
    initialDelayMs: Math.max(0, options?.initialDelayMs ?? 500),
    maxDelayMs: Math.max(0, options?.maxDelayMs ?? 60_000),
  };
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): the other side's
 * `retryAfterMs` when it gave one, else exponential backoff with full jitter.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number {
  if (
    DriftError.isInstance(error) &&
    typeof error.retryAfterMs === 'number' &&
    error.retryAfterMs >= 0
  ) {
    return error.retryAfterMs;
  }
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Throws an AbortedError when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

export function abortError(signal: AbortSignal): AbortedError {
  const reason: unknown = signal.reason;
  if (DriftError.isInstance(reason)) return reason as AbortedError;
  // The caller's reason (e.g. "interrupted by SIGINT") is what the ledger records for the run.
  const message =
    reason instanceof Error && reason.message ? reason.message : 'The run was aborted.';
  return new AbortedError(message, { cause: reason });
}

/** Resolves after `ms`, or rejects with an AbortedError as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryHooks {
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * The one retry loop: retries only errors that say `isRetryable` (a DriftError),
 * waits the `retryAfterMs` they carry or a jittered backoff, and stops as soon as the
 * signal aborts. Anything else is rethrown as it came.
 */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: ResolvedRetryOptions,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(hooks.signal);
    try {
      return await call(attempt);
    } catch (error) {
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
      if (!DriftError.isInstance(error) || !error.isRetryable || attempt >= options.maxAttempts)
        throw error;
      const delayMs = retryDelayMs(error, attempt, options);
      hooks.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, hooks.signal);
    }
  }
}
