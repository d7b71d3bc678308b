import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../errors/index.js';
import { createMemoryLedger } from '../memory/index.js';
import { createMemorySink } from '../memory/memory-sink.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { AdaptiveLimiter } from './engine-concurrency.js';
import { embed } from './engine-run.js';
import { rowsOf, testTable } from './engine-test-table.js';

type Refusal = (texts: string[], attempt: number) => Error | undefined;

function setup(rows: number, maxInputsPerCall: number, delayMs = 0) {
  const embedder = createRecordingEmbedder({
    limits: { maxInputsPerCall, maxConcurrentCalls: 4 },
    delayMs,
  });
  const starts: number[] = [];
  /** Decides, before each call, whether the provider refuses it (the testkit's embedder refuses per input). */
  const provider: { refuse: Refusal | undefined } = { refuse: undefined };
  const embedOne = embedder.embed.bind(embedder);
  let attempt = 0;
  embedder.embed = async (texts, options) => {
    starts.push(performance.now());
    if (provider.refuse) {
      // A provider answers 429 after a round trip, as long as a call takes.
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const refused = provider.refuse(texts, attempt++);
      if (refused) throw refused;
    }
    return embedOne(texts, options);
  };
  const options = {
    source: testTable(rowsOf(rows)).source,
    sink: createMemorySink(),
    embedder,
    ledger: createMemoryLedger(),
    textColumn: 'text',
    concurrency: 4,
    retry: { maxAttempts: 50, initialDelayMs: 1, maxDelayMs: 50 },
  };
  return { embedder, starts, options, provider };
}

describe('rate-limit gate and pace', () => {
  it('starts no call, not only the refused one, until the retry-after has passed', async () => {
    const { starts, options, provider } = setup(64, 4, 5);
    let refusedAt = 0;
    provider.refuse = (_texts, attempt) => {
      if (attempt !== 0) return undefined;
      refusedAt = performance.now();
      return new RateLimitedError('slow down', { retryAfterMs: 200 });
    };
    const result = await embed(options);
    expect(result.status).toBe('succeeded');
    expect(refusedAt).toBeGreaterThan(0);
    const startedAfter = starts.filter((at) => at > refusedAt);
    expect(startedAfter.length).toBeGreaterThan(0);
    // Timers may fire a millisecond early; nothing may start in the 200 ms after the 429.
    expect(Math.min(...startedAfter) - refusedAt).toBeGreaterThanOrEqual(195);
  });

  it('keeps the 429s few against a token bucket, paced at the rate it accepts', async () => {
    const { embedder, options, provider } = setup(600, 10);
    // A bucket of 150 tokens that refills 1 token per ms; each call is about 40 tokens.
    const capacity = 150;
    const perMs = 1;
    let tokens = capacity;
    let last = performance.now();
    let refusals = 0;
    provider.refuse = (texts) => {
      const now = performance.now();
      tokens = Math.min(capacity, tokens + (now - last) * perMs);
      last = now;
      const cost = texts.reduce((sum, text) => sum + embedder.countTokens(text), 0);
      if (cost <= tokens) {
        tokens -= cost;
        return undefined;
      }
      refusals++;
      return new RateLimitedError('slow down', {
        retryAfterMs: Math.ceil((cost - tokens) / perMs),
      });
    };
    const result = await embed(options);
    expect(result).toMatchObject({ status: 'succeeded', rowsEmbedded: 600, rowsFailed: 0 });
    // Refused calls never reach the recording embedder.
    const calls = embedder.calls.length;
    expect(calls).toBeGreaterThanOrEqual(60);
    // Without the shared gate and the pace, every call after the bucket empties is refused,
    // most of them many times (hundreds of 429s); with them, a few while the pace is measured.
    expect(refusals).toBeLessThanOrEqual(20);
  });

  it('cuts a gate wait short when the run is aborted', async () => {
    const limiter = new AdaptiveLimiter(4);
    const generation = await limiter.acquire();
    limiter.rateLimited(generation, 10_000);
    limiter.release();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    const error = await limiter.acquire(controller.signal).catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((error as { code?: string }).code).toBe('aborted');
  });

  it('paces at the tokens accepted per second between rate limits over the last minute', () => {
    let now = 0;
    const limiter = new AdaptiveLimiter(
      4,
      () => {},
      () => now,
    );
    limiter.rateLimited(0, 0);
    expect(limiter.tokensPerSecond).toBeUndefined();
    limiter.succeeded(300);
    limiter.succeeded(200);
    now = 2000;
    limiter.rateLimited(1, 0);
    expect(limiter.tokensPerSecond).toBe(250);
    limiter.succeeded(1500);
    now = 4000;
    limiter.rateLimited(2, 0); // (500 + 1500) tokens over 4 s
    expect(limiter.tokensPerSecond).toBe(500);
    limiter.succeeded(6000);
    now = 64_000;
    limiter.rateLimited(3, 0); // measured from the latest mark a minute back (4 s): 6000 tokens over 60 s
    expect(limiter.tokensPerSecond).toBe(100);
  });
});
