import { describe, expect, it } from 'vitest';
import { DriftError, ErrorCode, InputRejectedError, LimitExceededError } from '../errors/index.js';
import { pointId } from '../identity/point-id.js';
import type { Embedder } from '../spec/embedder-v1.js';
import { createFailingSink } from '../testkit/failing-sink.js';
import { embed } from './engine-run.js';
import { engineSetup, rowsOf, sinkContents } from './engine-test-table.js';

/** The embedder with some calls failing as `failWith` decides (the testkit's fails per input). */
function failingCalls(inner: Embedder, failWith: (texts: string[]) => Error | undefined): Embedder {
  return {
    ...inner,
    embed: async (texts, options) => {
      const error = failWith(texts);
      if (error) throw error;
      return inner.embed(texts, options);
    },
  };
}

describe('embed: what a failure leaves', () => {
  it('fails the run when the sink fails after N batches; the next run completes with exactly the right points', async () => {
    const { options, sink, ledger, embedder } = engineSetup(rowsOf(100));
    const failing = createFailingSink({ inner: sink, failAfterWrites: 3 });
    const failed = await embed({ ...options, sink: failing, batchSize: 10 });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/sink/);
    const paidFirst = embedder.embeddedTexts().length;
    expect(await ledger.countPoints(sink.id)).toBe(30);

    const second = await embed({ ...options, batchSize: 10 });
    expect(second.status).toBe('succeeded');
    expect(second.rowsDeduped).toBe(30);
    expect(second.rowsEmbedded).toBe(70);
    const points = await sinkContents(sink);
    expect(points.size).toBe(100);
    expect(await ledger.countPoints(sink.id)).toBe(100);
    for (let id = 1; id <= 100; id++)
      expect(points.get(pointId('array://test', String(id)))?.content).toBe(`text number ${id}`);
    // Paid twice: at most the batches in flight when the sink failed (the failing one and the one behind it).
    expect(paidFirst).toBeGreaterThanOrEqual(30);
    expect(embedder.embeddedTexts().length - 100).toBeLessThanOrEqual(20);
    const runs = await ledger.recentRuns({ sinkId: sink.id });
    expect(runs.map((run) => run.status).sort()).toEqual(['failed', 'succeeded']);
  });

  it('lands the rest when the embedder rejects one input, ends partial, records the failure, and retries only that row next time', async () => {
    for (const withIndex of [true, false]) {
      const { options, embedder, ledger, sink } = engineSetup(rowsOf(40));
      const rejecting = failingCalls(embedder, (texts) => {
        const bad = texts.indexOf('text number 13');
        if (bad < 0) return undefined;
        return new InputRejectedError(
          'input 13 is not acceptable to this model',
          withIndex ? { inputIndex: bad } : {},
        );
      });
      const result = await embed({ ...options, embedder: rejecting, batchSize: 20 });
      expect(result.status).toBe('partial');
      expect(result).toMatchObject({ rowsEmbedded: 39, rowsFailed: 1 });
      expect(result.failures).toEqual([
        {
          key: '13',
          pointId: pointId('array://test', '13'),
          code: 'input-rejected',
          reason: 'input 13 is not acceptable to this model',
        },
      ]);
      const recorded = await ledger.failures({ runId: result.runId });
      expect(recorded.map((failure) => [failure.key, failure.reason])).toEqual([
        ['13', 'input 13 is not acceptable to this model'],
      ]);
      expect(await ledger.countPoints(sink.id)).toBe(39);

      embedder.reset();
      const retry = await embed({ ...options, batchSize: 20 });
      expect(retry).toMatchObject({ status: 'succeeded', rowsEmbedded: 1, rowsDeduped: 39 });
      expect(embedder.calls.map((call) => call.texts)).toEqual([['text number 13']]);
    }
  });

  it('splits a call the provider finds too big, down to the input that is', async () => {
    const huge = 'x'.repeat(400);
    const { options, embedder } = engineSetup([
      ...rowsOf(5),
      { id: 6, text: huge },
      ...rowsOf(16).slice(6),
    ]);
    // The provider counts tokens differently than countTokens said: more than 6 inputs, or the huge one, is too much.
    const strict = failingCalls(embedder, (texts) =>
      texts.length > 6 || texts.includes(huge)
        ? new LimitExceededError('too many tokens in this call')
        : undefined,
    );
    const result = await embed({ ...options, embedder: strict });
    expect(result).toMatchObject({ status: 'partial', rowsEmbedded: 15, rowsFailed: 1 });
    expect(result.failures[0]).toMatchObject({ key: '6', code: 'limit-exceeded' });
  });

  it('honours a rate limit’s retry-after and halves the calls in flight', async () => {
    const { options, events } = engineSetup(rowsOf(64), {
      embedder: { rateLimitTimes: 1, retryAfterMs: 60 },
    });
    const started = performance.now();
    const result = await embed({ ...options, concurrency: 1 });
    expect(result.status).toBe('succeeded');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    const waits = events.filter((event) => event.type === 'retry-wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ delayMs: 60, code: 'rate-limited' });

    const second = engineSetup(rowsOf(64), {
      embedder: { delayMs: 5, rateLimitTimes: 2, retryAfterMs: 5 },
    });
    expect((await embed({ ...second.options, concurrency: 4 })).status).toBe('succeeded');
    const changes = second.events
      .filter((event) => event.type === 'concurrency-change')
      .map((event) => (event as { concurrency: number }).concurrency);
    expect(changes[0]).toBe(2);
  });

  it('gives up on a non-retryable embedder error and fails the run with its code', async () => {
    const { options, embedder, ledger } = engineSetup(rowsOf(10), {
      embedder: { failOn: () => new DriftError(ErrorCode.Fatal, 'the API key was refused') },
    });
    const result = await embed(options);
    expect(result.status).toBe('failed');
    expect(result.error).toBe('fatal: the API key was refused');
    expect(embedder.calls).toHaveLength(1);
    expect((await ledger.getRun(result.runId))?.status).toBe('failed');
  });

  it('stops at the cost limit with what was done committed', async () => {
    // Each text is ~12 tokens at $20 per 1M tokens; 16 inputs per call.
    const { options, ledger, sink, embedder } = engineSetup(
      rowsOf(100, 'a text long enough to cost something'),
      { embedder: { price: { usdPerMillionTokens: 20, source: 'test' } } },
    );
    const result = await embed({ ...options, batchSize: 16, concurrency: 1, maxCostUsd: 0.00001 });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^cost-limit/);
    expect(result.costUsd).toBeLessThanOrEqual(0.00001);
    expect(await ledger.countPoints(sink.id)).toBe(result.rowsEmbedded);
    expect(embedder.embeddedTexts().length).toBe(result.rowsEmbedded);
  });
});

describe('embed: abort', () => {
  it('stops promptly on abort, records the run as failed and rejects with an AbortedError', async () => {
    const { options, ledger } = engineSetup(rowsOf(200), { embedder: { delayMs: 10_000 } });
    const controller = new AbortController();
    const runId = 'run-aborted';
    setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 30);
    const started = performance.now();
    const error = await embed({ ...options, runId, signal: controller.signal }).catch(
      (caught: unknown) => caught,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(DriftError.hasCode(error, 'aborted')).toBe(true);
    // The caller's reason is what the run's record says.
    expect(await ledger.getRun(runId)).toMatchObject({
      status: 'failed',
      error: 'aborted: interrupted by SIGINT',
    });
  });

  it('lets an abort in during a long run where nothing changed (source and ledger answer at once)', async () => {
    const { options, ledger } = engineSetup(rowsOf(2000));
    await embed({ ...options, batchSize: 500 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const error = await embed({
      ...options,
      batchSize: 20,
      runId: 'aborted-rerun',
      signal: controller.signal,
    }).catch((caught: unknown) => caught);
    expect(DriftError.hasCode(error, 'aborted')).toBe(true);
    const run = await ledger.getRun('aborted-rerun');
    expect(run?.status).toBe('failed');
    expect(run?.counters.rowsProcessed).toBeLessThan(2000);
  });
});
