import { describe, expect, it } from 'vitest';
import { RateLimitedError, TransientError } from '../errors/index.js';
import { AdaptiveLimiter } from './engine-concurrency.js';
import { apportionTokens, packCalls } from './engine-packing.js';
import { resolveRetryOptions, retryDelayMs, withRetry } from './engine-retry.js';

describe('packing', () => {
  const limits = {
    maxInputsPerCall: 3,
    maxTokensPerInput: 10,
    maxTokensPerCall: 20,
    maxConcurrentCalls: 1,
  };
  it('respects inputs per call and tokens per call, counting an over-long input at the per-input cap', () => {
    const calls = packCalls([5, 5, 5, 5, 50, 9, 9, 1], limits);
    expect(calls.map((call) => call.indexes)).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6, 7],
    ]);
    expect(calls.map((call) => call.tokens)).toEqual([15, 15, 19]);
  });

  it('apportions a call’s tokens in whole tokens that add up', () => {
    expect(apportionTokens(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportionTokens(7, [10, 0, 30]).reduce((a, b) => a + b, 0)).toBe(7);
    expect(apportionTokens(100, [25, 75])).toEqual([25, 75]);
  });
});

describe('retry', () => {
  const options = resolveRetryOptions({ initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4 });
  it('waits what retry-after says, else a full-jitter backoff capped at the maximum', () => {
    expect(retryDelayMs(new RateLimitedError('x', { retryAfterMs: 1234 }), 1, options)).toBe(1234);
    expect(retryDelayMs(new TransientError('x'), 3, options, () => 0.999)).toBe(399);
    expect(retryDelayMs(new TransientError('x'), 10, options, () => 0.999)).toBe(999);
    expect(retryDelayMs(new TransientError('x'), 1, options, () => 0)).toBe(0);
  });

  it('retries only retryable errors, up to the attempts allowed', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new Error('plain');
      }, options),
    ).rejects.toThrow('plain');
    expect(calls).toBe(1);
    calls = 0;
    const fast = resolveRetryOptions({ initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 3 });
    await expect(
      withRetry(async () => {
        calls++;
        throw new TransientError('again');
      }, fast),
    ).rejects.toThrow('again');
    expect(calls).toBe(3);
    calls = 0;
    expect(
      await withRetry(
        async () => (++calls < 3 ? Promise.reject(new TransientError('x')) : 'ok'),
        fast,
      ),
    ).toBe('ok');
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    const error = await withRetry(
      async () => {
        throw new RateLimitedError('x', { retryAfterMs: 10_000 });
      },
      options,
      { signal: controller.signal },
    ).catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((error as { code?: string }).code).toBe('aborted');
  });
});

describe('adaptive limiter', () => {
  it('halves once per window on rate limits and climbs back one at a time', async () => {
    const changes: number[] = [];
    const limiter = new AdaptiveLimiter(8, (limit) => changes.push(limit));
    const generations = await Promise.all([
      limiter.acquire(),
      limiter.acquire(),
      limiter.acquire(),
    ]);
    for (const generation of generations) limiter.rateLimited(generation);
    expect(limiter.limit).toBe(4); // three 429s from one window: one decrease
    for (let index = 0; index < 3; index++) limiter.release();
    for (let index = 0; index < 4; index++) limiter.succeeded();
    expect(limiter.limit).toBe(5);
    expect(changes).toEqual([4, 5]);
  });

  it('never lets more than the limit run', async () => {
    const limiter = new AdaptiveLimiter(2);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        await limiter.acquire();
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        limiter.release();
      }),
    );
    expect(most).toBe(2);
  });
});
