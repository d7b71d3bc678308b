import { describe, expect, it } from 'vitest';
import {
  DriftError,
  ErrorCode,
  InputRejectedError,
  LimitExceededError,
  type LockedError,
  RateLimitedError,
  TransientError,
} from '../errors/index.js';
import { pointId } from '../identity/point-id.js';
import { createMemoryLedger } from '../memory/index.js';
import type { DriftEvent } from './engine-events.js';
import { planEmbed } from './engine-plan.js';
import { embed } from './engine-run.js';
import {
  createArraySource,
  createFailingSink,
  createRecordingEmbedder,
  sinkContents,
} from './engine-test-fakes.js';

function setup(rows: { id: number; text: string | null; tag?: string }[]) {
  const source = createArraySource({ rows: rows.map((row) => ({ tag: 'x', ...row })) });
  const sink = createFailingSink();
  const embedder = createRecordingEmbedder();
  const ledger = createMemoryLedger();
  const events: DriftEvent[] = [];
  const options = {
    source,
    sink,
    embedder,
    ledger,
    textColumn: 'text',
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    onEvent: (event: DriftEvent) => events.push(event),
  };
  return { source, sink, embedder, ledger, events, options };
}

const rowsOf = (count: number, prefix = 'text') =>
  Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    text: `${prefix} number ${index + 1}`,
  }));

describe('embed', () => {
  it("puts the source's row count on run-start for a scan of the latest version only", async () => {
    const { options, source, events } = setup(rowsOf(3));
    const describeTable = source.describe.bind(source);
    source.describe = async () => ({ ...(await describeTable()), rowCount: 3 });
    await embed(options);
    expect(events.find((event) => event.type === 'run-start')).toMatchObject({ totalRows: 3 });
    source.version = 1;
    events.length = 0;
    await embed({ ...options, version: 0 });
    const start = events.find((event) => event.type === 'run-start');
    expect(start).toBeDefined();
    expect(start).not.toHaveProperty('totalRows');
  });

  it('pays once for a text shared by keys in two batches in flight, and reuses its vector', async () => {
    const { options, embedder, sink } = setup([
      { id: 1, text: 'shared across batches' },
      { id: 2, text: 'shared across batches' },
    ]);
    const result = await embed({ ...options, batchSize: 1 });
    expect(result).toMatchObject({ status: 'succeeded', rowsEmbedded: 1, rowsReused: 1 });
    expect(embedder.embedded).toEqual(['shared across batches']);
    expect((await sinkContents(sink)).size).toBe(2);
  });

  it('gives two rows with the same text two points, and calls the provider once for that text', async () => {
    const { options, embedder, sink, ledger } = setup([
      { id: 1, text: 'the same text' },
      { id: 2, text: 'the same text' },
    ]);
    const result = await embed(options);
    expect(result.status).toBe('succeeded');
    expect(embedder.embedded).toEqual(['the same text']);
    const points = await sinkContents(sink);
    expect([...points.keys()].sort()).toEqual(
      [pointId('array://test', '1'), pointId('array://test', '2')].sort(),
    );
    expect(points.get(pointId('array://test', '2'))?.content).toBe('the same text');
    expect(result).toMatchObject({
      rowsProcessed: 2,
      rowsEmbedded: 1,
      rowsReused: 1,
      rowsDeduped: 0,
    });
    expect(await ledger.countPoints(sink.id)).toBe(2);
  });

  it('calls the provider zero times on a second run over unchanged rows, and says so', async () => {
    const { options, embedder } = setup(rowsOf(250));
    const first = await embed({ ...options, batchSize: 100 });
    expect(first).toMatchObject({ status: 'succeeded', rowsProcessed: 250, rowsEmbedded: 250 });
    const callsAfterFirst = embedder.calls.length;
    const second = await embed({ ...options, batchSize: 100 });
    expect(embedder.calls.length).toBe(callsAfterFirst);
    expect(second).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 250,
      rowsDeduped: 250,
      rowsEmbedded: 0,
      rowsReused: 0,
      tokens: 0,
      costUsd: 0,
    });
  });

  it('re-embeds exactly a changed row, under the same point id', async () => {
    const { options, embedder, source, sink } = setup(rowsOf(20));
    await embed(options);
    embedder.calls.length = 0;
    embedder.embedded.length = 0;
    source.rows[6] = { id: 7, text: 'a brand new text', tag: 'x' };
    const result = await embed(options);
    expect(embedder.embedded).toEqual(['a brand new text']);
    expect(result).toMatchObject({ rowsEmbedded: 1, rowsDeduped: 19 });
    const points = await sinkContents(sink);
    expect(points.size).toBe(20);
    expect(points.get(pointId('array://test', '7'))?.content).toBe('a brand new text');
  });

  it('counts null and empty text as skipped and deletes the row’s earlier point', async () => {
    const { options, source, sink, ledger, embedder } = setup(rowsOf(5));
    await embed(options);
    source.rows[1] = { id: 2, text: null, tag: 'x' };
    source.rows[2] = { id: 3, text: '', tag: 'x' };
    source.rows[3] = { id: 4, text: '   ', tag: 'x' };
    embedder.calls.length = 0;
    const result = await embed(options);
    expect(result).toMatchObject({
      status: 'succeeded',
      rowsSkipped: 3,
      rowsDeleted: 3,
      rowsDeduped: 2,
      rowsFailed: 0,
    });
    expect(embedder.calls).toEqual([]);
    const points = await sinkContents(sink);
    expect([...points.values()].map((point) => point.key).sort()).toEqual(['1', '5']);
    expect(await ledger.countPoints(sink.id)).toBe(2);
    // Skipped again, nothing left to delete.
    expect(await embed(options)).toMatchObject({ rowsSkipped: 3, rowsDeleted: 0 });
  });

  it('fails the run when the sink fails after N batches; the next run completes with exactly the right points', async () => {
    const { options, sink, ledger, embedder } = setup(rowsOf(100));
    sink.failAfterWrites = 3;
    const failed = await embed({ ...options, batchSize: 10 });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/sink/);
    const paidFirst = embedder.embedded.length;
    expect(await ledger.countPoints(sink.id)).toBe(30);

    sink.failAfterWrites = undefined;
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
    expect(embedder.embedded.length - 100).toBeLessThanOrEqual(20);
    const runs = await ledger.recentRuns({ sinkId: sink.id });
    expect(runs.map((run) => run.status).sort()).toEqual(['failed', 'succeeded']);
  });

  it('lands the rest when the embedder rejects one input, ends partial, records the failure, and retries only that row next time', async () => {
    for (const withIndex of [true, false]) {
      const { options, embedder, ledger, sink } = setup(rowsOf(40));
      embedder.failWith = (texts) => {
        const bad = texts.indexOf('text number 13');
        if (bad < 0) return undefined;
        return new InputRejectedError(
          'input 13 is not acceptable to this model',
          withIndex ? { inputIndex: bad } : {},
        );
      };
      const result = await embed({ ...options, batchSize: 20 });
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

      embedder.failWith = undefined;
      embedder.calls.length = 0;
      const retry = await embed({ ...options, batchSize: 20 });
      expect(retry).toMatchObject({ status: 'succeeded', rowsEmbedded: 1, rowsDeduped: 39 });
      expect(embedder.calls).toEqual([['text number 13']]);
    }
  });

  it('splits a call the provider finds too big, down to the input that is', async () => {
    const { options, embedder } = setup(rowsOf(16));
    const huge = 'x'.repeat(400);
    options.source.rows[5] = { id: 6, text: huge, tag: 'x' };
    // The provider counts tokens differently than countTokens said: more than 6 inputs, or the huge one, is too much.
    embedder.failWith = (texts) =>
      texts.length > 6 || texts.includes(huge)
        ? new LimitExceededError('too many tokens in this call')
        : undefined;
    const result = await embed(options);
    expect(result).toMatchObject({ status: 'partial', rowsEmbedded: 15, rowsFailed: 1 });
    expect(result.failures[0]).toMatchObject({ key: '6', code: 'limit-exceeded' });
  });

  it('honours a rate limit’s retry-after and halves the calls in flight', async () => {
    const { options, embedder, events } = setup(rowsOf(64));
    embedder.failWith = (_texts, attempt) =>
      attempt === 0 ? new RateLimitedError('slow down', { retryAfterMs: 60 }) : undefined;
    const started = performance.now();
    const result = await embed({ ...options, concurrency: 1 });
    expect(result.status).toBe('succeeded');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    const waits = events.filter((event) => event.type === 'retry-wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ delayMs: 60, code: 'rate-limited' });

    const second = setup(rowsOf(64));
    second.embedder.delayMs = 5;
    second.embedder.failWith = (_texts, attempt) =>
      attempt < 2 ? new RateLimitedError('slow down', { retryAfterMs: 5 }) : undefined;
    expect((await embed({ ...second.options, concurrency: 4 })).status).toBe('succeeded');
    const changes = second.events
      .filter((event) => event.type === 'concurrency-change')
      .map((event) => (event as { concurrency: number }).concurrency);
    expect(changes[0]).toBe(2);
  });

  it('gives up on a non-retryable embedder error and fails the run with its code', async () => {
    const { options, embedder, ledger } = setup(rowsOf(10));
    embedder.failWith = () => new DriftError(ErrorCode.Fatal, 'the API key was refused');
    const result = await embed(options);
    expect(result.status).toBe('failed');
    expect(result.error).toBe('fatal: the API key was refused');
    expect(embedder.calls).toHaveLength(1);
    expect((await ledger.getRun(result.runId))?.status).toBe('failed');
  });

  it('stops promptly on abort, records the run as failed and rejects with an AbortedError', async () => {
    const { options, embedder, ledger } = setup(rowsOf(200));
    embedder.delayMs = 10_000;
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
    const { options, ledger } = setup(rowsOf(2000));
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

  it('stops at the cost limit with what was done committed', async () => {
    const { options, ledger, sink, embedder } = setup(
      rowsOf(100, 'a text long enough to cost something'),
    );
    // Each text is ~12 tokens at $20 per 1M tokens; 16 inputs per call.
    const result = await embed({ ...options, batchSize: 16, concurrency: 1, maxCostUsd: 0.00001 });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^cost-limit/);
    expect(result.costUsd).toBeLessThanOrEqual(0.00001);
    expect(await ledger.countPoints(sink.id)).toBe(result.rowsEmbedded);
    expect(embedder.embedded.length).toBe(result.rowsEmbedded);
  });

  it('records per-point cost that adds up to the run cost', async () => {
    const { options, ledger, sink } = setup(rowsOf(30));
    const result = await embed(options);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.tokens).toBe(
      rowsOf(30).reduce((sum, row) => sum + Math.ceil(row.text.length / 4), 0),
    );
    const byRun = await ledger.cost({ by: 'run' });
    expect(byRun[0]?.costUsd).toBeCloseTo(result.costUsd, 12);
    expect(byRun[0]?.tokens).toBe(result.tokens);
    expect(await ledger.countPoints(sink.id)).toBe(30);
  });

  it('reuses the vector of a text already embedded under another key instead of paying again', async () => {
    const { options, source, embedder, sink } = setup(rowsOf(3));
    await embed(options);
    embedder.calls.length = 0;
    source.rows.push({ id: 4, text: 'text number 2', tag: 'x' });
    const result = await embed(options);
    expect(embedder.calls).toEqual([]);
    expect(result).toMatchObject({ rowsReused: 1, rowsEmbedded: 0, rowsDeduped: 3, tokens: 0 });
    const points = await sinkContents(sink);
    expect(points.get(pointId('array://test', '4'))?.vector).toEqual(
      points.get(pointId('array://test', '2'))?.vector,
    );
  });

  it('packs calls to the embedder’s limits and keeps within its concurrency', async () => {
    const { options, embedder } = setup(rowsOf(100));
    embedder.limits.maxInputsPerCall = 7;
    embedder.limits.maxTokensPerCall = 20; // each text is 4-5 tokens
    embedder.limits.maxConcurrentCalls = 2;
    embedder.delayMs = 2;
    await embed({ ...options, concurrency: 8 });
    expect(
      embedder.calls.every(
        (texts) =>
          texts.length <= 7 &&
          texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0) <= 20,
      ),
    ).toBe(true);
    expect(embedder.maxInFlight).toBeLessThanOrEqual(2);
    expect(embedder.embedded.length).toBe(100);
  });

  it('writes the payload contract, with metadata (bigint as string) and without content when asked', async () => {
    const { options, sink } = setup([{ id: 1, text: 'hello' }]);
    const source = options.source;
    source.rows[0] = { id: 1, text: 'hello', tag: 12345678901234567890n };
    await embed({ ...options, metadataColumns: ['tag'], storeContent: false });
    const [point] = await sink.retrieve([pointId('array://test', '1')]);
    expect(point?.payload).toMatchObject({
      key: '1',
      source: 'array://test',
      content: null,
      model: 'fake/model',
      metadata: { tag: '12345678901234567890' },
    });
    expect(point?.payload.content_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a missing column, listing the columns there are, before it records a run', async () => {
    const { options, ledger } = setup(rowsOf(1));
    await expect(embed({ ...options, textColumn: 'body' })).rejects.toThrow(
      /"body".*id, text, tag/,
    );
    expect(await ledger.recentRuns()).toEqual([]);
  });

  it('lets a LockedError through when another run holds the lock', async () => {
    const { options, ledger, source, sink, embedder } = setup(rowsOf(1));
    await ledger.startRun({
      runId: 'holder',
      kind: 'embed',
      sourceId: source.id,
      sinkId: sink.id,
      model: embedder.id,
      fingerprint: embedder.fingerprint,
      usdPerMillionTokens: 0,
      priceSource: 'x',
      startedAt: new Date(),
    });
    const error = await embed(options).catch((caught: unknown) => caught);
    expect(DriftError.hasCode(error, 'locked')).toBe(true);
    expect((error as LockedError).holderRunId).toBe('holder');
  });

  it('keeps the last row of a key that appears twice in one batch', async () => {
    const { options, sink, embedder } = setup([
      { id: 1, text: 'older' },
      { id: 2, text: 'other' },
      { id: 1, text: 'newer' },
    ]);
    const result = await embed(options);
    expect(result).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 3,
      rowsEmbedded: 2,
      rowsDeduped: 1,
    });
    expect(embedder.embedded.sort()).toEqual(['newer', 'other']);
    const points = await sinkContents(sink);
    expect(points.get(pointId('array://test', '1'))?.content).toBe('newer');
  });

  it('looks a key up only after a batch in flight wrote it (a key twice in one scan)', async () => {
    const { options, sink, embedder, ledger } = setup([
      { id: 1, text: 'first' },
      { id: 1, text: null },
      { id: 2, text: 'second' },
      { id: 2, text: 'second, edited' },
    ]);
    embedder.delayMs = 20;
    const result = await embed({ ...options, batchSize: 1 });
    expect(result.status).toBe('succeeded');
    const points = await sinkContents(sink);
    expect([...points.values()].map((point) => [point.key, point.content])).toEqual([
      ['2', 'second, edited'],
    ]);
    expect(await ledger.countPoints(sink.id)).toBe(1);
  });

  it('splits writes to the sink’s maxPointsPerWrite and retries a transient sink error', async () => {
    const { options, sink, ledger } = setup(rowsOf(25));
    const sizes: number[] = [];
    let failures = 1;
    const upsert = sink.upsert.bind(sink);
    const limited = Object.assign(sink, {
      capabilities: { concurrentWrites: false, maxPointsPerWrite: 10 },
      upsert: async (points: Parameters<typeof sink.upsert>[0]) => {
        if (failures-- > 0) throw new TransientError('connection reset, try again');
        sizes.push(points.length);
        await upsert(points);
      },
    });
    const result = await embed({ ...options, sink: limited, batchSize: 25 });
    expect(result.status).toBe('succeeded');
    expect(sizes).toEqual([10, 10, 5]);
    expect(await ledger.countPoints(sink.id)).toBe(25);
  });

  it('embeds a text again when the point the ledger would reuse no longer holds it in the sink', async () => {
    const { options, source, embedder, sink } = setup(rowsOf(2));
    await embed(options);
    // Someone rewrote point 2 behind the ledger's back.
    const [stale] = await sink.retrieve([pointId('array://test', '2')], { withVectors: true });
    await sink.upsert([
      {
        ...stale!,
        vector: stale!.vector!,
        payload: { ...stale!.payload, content_hash: 'f'.repeat(64) },
      },
    ]);
    embedder.embedded.length = 0;
    source.rows.push({ id: 3, text: 'text number 2', tag: 'x' });
    const result = await embed(options);
    expect(result).toMatchObject({ rowsEmbedded: 1, rowsReused: 0 });
    expect(embedder.embedded).toEqual(['text number 2']);
  });

  it('plans without calling the provider or writing', async () => {
    const { options, embedder, sink, source } = setup(rowsOf(10));
    await embed(options);
    source.rows[0] = { id: 1, text: 'changed', tag: 'x' };
    source.rows[1] = { id: 2, text: null, tag: 'x' };
    source.rows.push(
      { id: 11, text: 'text number 3', tag: 'x' },
      { id: 12, text: 'new one', tag: 'x' },
      { id: 13, text: 'new one', tag: 'x' },
    );
    embedder.calls.length = 0;
    const plan = await planEmbed(options);
    expect(plan).toMatchObject({
      rowsProcessed: 13,
      rowsDeduped: 8,
      rowsSkipped: 1,
      rowsToDelete: 1,
      rowsToEmbed: 2,
      rowsToReuse: 2,
    });
    expect(plan.estimatedTokens).toBe(
      Math.ceil('changed'.length / 4) + Math.ceil('new one'.length / 4),
    );
    expect(embedder.calls).toEqual([]);
    expect((await sinkContents(sink)).size).toBe(10);
  });
});
