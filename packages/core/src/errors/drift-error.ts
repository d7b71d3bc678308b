const marker = Symbol.for('drift-spark.error');

/** What every Drift error may carry besides its code and message. */
export interface DriftErrorOptions {
  cause?: unknown;
  /** Whether trying again the same call may succeed. */
  isRetryable?: boolean;
  /** How long to wait before trying again, when the other side said so. */
  retryAfterMs?: number;
}

/**
 * The base of every Drift error. `code` is stable; `isInstance` works across two
 * copies of this package, where `instanceof` does not. Messages say what to do next
 * and never contain a credential.
 */
export class DriftError extends Error {
  readonly [marker] = true;
  readonly code: string;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: DriftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DriftError';
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }

  static isInstance(value: unknown): value is DriftError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[marker] === true
    );
  }

  /** True when `value` is a Drift error with this code. */
  static hasCode(value: unknown, code: string): value is DriftError {
    return DriftError.isInstance(value) && value.code === code;
  }
}
