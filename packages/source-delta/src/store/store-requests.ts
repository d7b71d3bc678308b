import { createLimiter } from '@drift-spark/core/internal';
import { type StoreFailure, storeFailureError } from './store-failure.js';

export interface StoreRequestOptions {
  /** Tells what a failed request means; each store package knows its SDK's errors. */
  classify(error: unknown): StoreFailure;
  /** Requests in flight at once, across every read of the file system; default 16. */
  maxConcurrency?: number;
  /** Attempts per request, the first included; default 6. */
  maxAttempts?: number;
  /** First backoff ceiling in ms, doubled per attempt (full jitter); default 100. */
  initialDelayMs?: number;
  /** Backoff ceiling in ms; default 5000. */
  maxDelayMs?: number;
}

export interface StoreRequests {
  /**
   * Runs `request` for the object `uri` with a bounded number of requests in flight,
   * retrying transient failures (5xx, throttling, dropped connections) with backoff and
   * never a denied one. A request that fails for good becomes a one-line `SourceError`
   * naming the object and the store's code.
   */
  run<T>(uri: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * The request discipline every store file system shares. The stores' SDKs have their own
 * retries turned off, so attempts never multiply.
 */
export function createStoreRequests(options: StoreRequestOptions): StoreRequests {
  const limiter = createLimiter(Math.max(1, options.maxConcurrency ?? 16));
  const maxAttempts = Math.max(1, options.maxAttempts ?? 6);
  const initialDelayMs = options.initialDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  return {
    async run<T>(uri: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        signal?.throwIfAborted();
        try {
          return await limiter.run(request);
        } catch (error) {
          signal?.throwIfAborted();
          const failure = options.classify(error);
          if (failure.kind !== 'transient' || attempt >= maxAttempts) {
            throw storeFailureError(failure, uri, attempt, error);
          }
          const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
          await delay(failure.retryAfterMs ?? Math.floor(Math.random() * ceiling), signal);
        }
      }
    },
  };
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
