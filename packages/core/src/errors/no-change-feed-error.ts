import { SourceError } from './errors.js';

/**
 * The one error for "no change feed": a source with none (no `changes`, or a table whose
 * feed is off), or a feed that was off for some of the versions asked. A `SourceError`
 * with reason `cdf-not-enabled`; `sync` cannot follow such a source, `embed` can scan it.
 */
export class NoChangeFeedError extends SourceError {
  static readonly reason = 'cdf-not-enabled';

  constructor(message: string, options: { cause?: unknown; isRetryable?: boolean } = {}) {
    super(NoChangeFeedError.reason, message, options);
    this.name = 'NoChangeFeedError';
  }

  /** Works across two copies of core (a `SourceError` with reason `cdf-not-enabled`). */
  static is(error: unknown): error is NoChangeFeedError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { code?: unknown }).code === 'source' &&
      (error as { reason?: unknown }).reason === NoChangeFeedError.reason
    );
  }
}
