import { formatResetDuration, openAIError } from './openai-wire.js';
import type { RecordedRequest, RouteHandler, TestResponse } from './test-server.js';

export interface TokenBucketOptions {
  tokensPerMinute: number;
  requestsPerMinute: number;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

export type TakeResult =
  | { allowed: true }
  | {
      allowed: false;
      resetTokensMs: number;
      resetRequestsMs: number;
      remainingTokens: number;
      remainingRequests: number;
    };

/**
 * Two buckets that refill continuously, each holding at most one minute of its budget and
 * starting full: the shape of OpenAI's tokens-per-minute and requests-per-minute limits.
 * Counts what it let through and what it refused, so a benchmark can report how much of
 * the budget it used.
 */
export class TokenBucket {
  readonly tokensPerMinute: number;
  readonly requestsPerMinute: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private tokens: number;
  private requests: number;
  private updatedAt: number;
  acceptedTokens = 0;
  acceptedRequests = 0;
  refusedRequests = 0;
  /** Refusals with the time (ms since start) each happened. */
  readonly refusals: number[] = [];

  constructor(options: TokenBucketOptions) {
    this.tokensPerMinute = options.tokensPerMinute;
    this.requestsPerMinute = options.requestsPerMinute;
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.updatedAt = this.startedAt;
    this.tokens = this.tokensPerMinute;
    this.requests = this.requestsPerMinute;
  }

  private refill(): void {
    const now = this.now();
    const elapsedMinutes = (now - this.updatedAt) / 60_000;
    this.updatedAt = now;
    this.tokens = Math.min(
      this.tokensPerMinute,
      this.tokens + elapsedMinutes * this.tokensPerMinute,
    );
    this.requests = Math.min(
      this.requestsPerMinute,
      this.requests + elapsedMinutes * this.requestsPerMinute,
    );
  }

  /** Takes one request and `tokens` tokens, or says how long until they would be there. */
  take(tokens: number): TakeResult {
    this.refill();
    if (this.tokens >= tokens && this.requests >= 1) {
      this.tokens -= tokens;
      this.requests -= 1;
      this.acceptedTokens += tokens;
      this.acceptedRequests += 1;
      return { allowed: true };
    }
    this.refusedRequests += 1;
    this.refusals.push(this.now() - this.startedAt);
    return {
      allowed: false,
      resetTokensMs: Math.max(0, ((tokens - this.tokens) / this.tokensPerMinute) * 60_000),
      resetRequestsMs: Math.max(0, ((1 - this.requests) / this.requestsPerMinute) * 60_000),
      remainingTokens: Math.max(0, Math.floor(this.tokens)),
      remainingRequests: Math.max(0, Math.floor(this.requests)),
    };
  }

  /** What is left in each bucket now, rounded down. */
  remaining(): { tokens: number; requests: number } {
    this.refill();
    return {
      tokens: Math.max(0, Math.floor(this.tokens)),
      requests: Math.max(0, Math.floor(this.requests)),
    };
  }

  /** Milliseconds since the bucket was made. */
  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /** The most tokens anyone could have had accepted so far: a full minute's bucket plus the refill. */
  tokenCeiling(): number {
    return this.tokensPerMinute + (this.elapsedMs() / 60_000) * this.tokensPerMinute;
  }
}

/**
 * Wraps a route with OpenAI-style rate limiting: each request costs `tokensOf(request)`
 * tokens; when a bucket is short the answer is a 429 with `x-ratelimit-*` headers (and,
 * when `retryAfterHeader`, a `retry-after-ms`).
 */
export function rateLimitedRoute(
  bucket: TokenBucket,
  route: RouteHandler,
  options: { tokensOf: (request: RecordedRequest) => number; retryAfterHeader?: boolean },
): RouteHandler {
  return (request, context): TestResponse | Promise<TestResponse> => {
    const verdict = bucket.take(options.tokensOf(request));
    if (verdict.allowed) {
      // OpenAI sends its budget on every answer, not only on 429s.
      const budget = bucket.remaining();
      const withHeaders = (response: TestResponse): TestResponse => ({
        ...response,
        headers: {
          'x-ratelimit-limit-requests': String(bucket.requestsPerMinute),
          'x-ratelimit-limit-tokens': String(bucket.tokensPerMinute),
          'x-ratelimit-remaining-requests': String(budget.requests),
          'x-ratelimit-remaining-tokens': String(budget.tokens),
          ...response.headers,
        },
      });
      const answered = route(request, context);
      return answered instanceof Promise ? answered.then(withHeaders) : withHeaders(answered);
    }
    const headers: Record<string, string> = {
      'x-ratelimit-limit-requests': String(bucket.requestsPerMinute),
      'x-ratelimit-limit-tokens': String(bucket.tokensPerMinute),
      'x-ratelimit-remaining-requests': String(verdict.remainingRequests),
      'x-ratelimit-remaining-tokens': String(verdict.remainingTokens),
      'x-ratelimit-reset-requests': formatResetDuration(verdict.resetRequestsMs),
      'x-ratelimit-reset-tokens': formatResetDuration(verdict.resetTokensMs),
    };
    if (options.retryAfterHeader)
      headers['retry-after-ms'] = String(
        Math.ceil(Math.max(verdict.resetRequestsMs, verdict.resetTokensMs)),
      );
    return openAIError(429, 'Rate limit reached for requests. Please try again later.', {
      type: 'requests',
      code: 'rate_limit_exceeded',
      headers,
    });
  };
}
