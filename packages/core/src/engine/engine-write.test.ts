import { describe, expect, it } from 'vitest';
import { PointRejectedError, SinkError } from '../errors/index.js';
import { createMemoryLedger, createMemorySink } from '../memory/index.js';
import type { Point, SinkV1 } from '../spec/sink-v1.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { sinkContents, testTable } from './engine-test-table.js';

/** A memory sink that refuses, as a store would, points whose text holds "BAD"; or every upsert when `down`. */
function pickySink() {
  const inner = createMemorySink({ id: 'memory://picky' });
  const state = { down: false, upsertCalls: 0 };
  const sink: SinkV1 = {
    ...inner,
    specificationVersion: 'v1',
    id: inner.id,
    capabilities: { concurrentWrites: false },
    async upsert(points: Point[], options) {
      state.upsertCalls++;
      if (state.down) throw new SinkError('The test sink is down.');
      const bad = points.find((point) => point.payload.content?.includes('BAD'));
      if (bad) throw new PointRejectedError(`The store refuses the text of point ${bad.id}.`);
      await inner.upsert(points, options);
    },
  };
  return { sink, state };
}

function rows(count: number, bad: number[] = []) {
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    text: bad.includes(index + 1) ? `BAD text ${index + 1}` : `text ${index + 1}`,
    tag: null,
  }));
}

async function keys(sink: SinkV1): Promise<string[]> {
  return [...(await sinkContents(sink)).values()].map((point) => point.key).sort();
}

describe('writing a batch', () => {
  it('a point the sink refuses fails alone: found by splitting the write, the rest written', async () => {
    const { sink, state } = pickySink();
    const source = testTable(rows(16, [7])).source;
    const ledger = createMemoryLedger();
    const embedder = createRecordingEmbedder();
    const result = await embed({ source, sink, ledger, embedder, textColumn: 'text' });
    expect(result).toMatchObject({
      status: 'partial',
      rowsFailed: 1,
      rowsEmbedded: 15,
      failures: [{ key: '7', code: 'point-rejected' }],
    });
    expect(await keys(sink)).toHaveLength(15);
    expect(await ledger.countPoints(sink.id)).toBe(15);
    expect(await ledger.failures({ runId: result.runId })).toMatchObject([
      { key: '7', code: 'point-rejected' },
    ]);
    // One failing write of 16, then halves down to the point: a handful of calls, not 16.
    expect(state.upsertCalls).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(16)));
  });

  it('a paid vector the sink refused leaves its cost on a written row of the same text', async () => {
    const { sink } = pickySink();
    // Rows 1 and 2 share a text; the sink refuses row 1 only (by key, through its metadata).
    const inner = sink.upsert.bind(sink);
    sink.upsert = async (points, options) => {
      const refused = points.find((point) => point.payload.key === '1');
      if (refused) throw new PointRejectedError('refused');
      await inner(points, options);
    };
    const source = testTable([
      { id: 1, text: 'same', tag: null },
      { id: 2, text: 'same', tag: null },
    ]).source;
    const ledger = createMemoryLedger();
    const embedder = createRecordingEmbedder();
    const result = await embed({ source, sink, ledger, embedder, textColumn: 'text' });
    expect(result).toMatchObject({ rowsFailed: 1, rowsEmbedded: 1, rowsReused: 0 });
    const cost = await ledger.cost({ by: 'run' });
    expect(cost[0]?.tokens).toBe(result.tokens);
  });

  it('deletes are applied and recorded even when the upserts of the same batch fail', async () => {
    const { sink, state } = pickySink();
    const table = testTable(rows(3), { version: 1 });
    const source = table.source;
    const ledger = createMemoryLedger();
    const embedder = createRecordingEmbedder();
    const options = {
      source,
      sink,
      ledger,
      embedder,
      textColumn: 'text',
      retry: { maxAttempts: 1 },
    };
    await sync(options);
    table.commit([
      { type: 'delete', row: { id: 1 } },
      { type: 'upsert', row: { id: 2, text: 'changed', tag: null } },
    ]);
    state.down = true;
    const failed = await sync(options);
    expect(failed).toMatchObject({ status: 'failed', rowsDeleted: 1, deleted: 1 });
    expect(await keys(sink)).toEqual(['2', '3']);
    expect(await ledger.countPoints(sink.id)).toBe(2);
    state.down = false;
    expect(await sync(options)).toMatchObject({ status: 'succeeded', updated: 1, deleted: 0 });
    expect((await sinkContents(sink)).size).toBe(2);
  });

  it('an all-zero or non-finite vector from the provider is one failed row, never stored', async () => {
    const sink = createMemorySink();
    const source = testTable([
      { id: 1, text: 'fine', tag: null },
      { id: 2, text: 'zero', tag: null },
      { id: 3, text: 'nan', tag: null },
    ]).source;
    const ledger = createMemoryLedger();
    const embedder = createRecordingEmbedder();
    const real = embedder.embed.bind(embedder);
    embedder.embed = async (texts, options) => {
      const result = await real(texts, options);
      texts.forEach((text, index) => {
        if (text === 'zero') result.vectors[index] = new Float32Array(embedder.dimensions);
        if (text === 'nan') result.vectors[index]![3] = Number.NaN;
      });
      return result;
    };
    const result = await embed({ source, sink, ledger, embedder, textColumn: 'text' });
    expect(result).toMatchObject({ status: 'partial', rowsFailed: 2, rowsEmbedded: 1 });
    expect(result.failures.map((failure) => [failure.key, failure.code]).sort()).toEqual([
      ['2', 'invalid-vector'],
      ['3', 'invalid-vector'],
    ]);
    expect(result.failures[0]?.reason).toMatch(`${embedder.id} returned`);
    expect(await keys(sink)).toEqual(['1']);
    // The next run asks again for the failed rows only.
    embedder.embed = real;
    embedder.reset();
    expect(await embed({ source, sink, ledger, embedder, textColumn: 'text' })).toMatchObject({
      status: 'succeeded',
      rowsEmbedded: 2,
    });
    expect(embedder.embeddedTexts().sort()).toEqual(['nan', 'zero']);
  });

  it('with maxCostUsd just above one call, every call the provider was sent is recorded and written', async () => {
    const sink = createMemorySink();
    const source = testTable(rows(8)).source;
    const ledger = createMemoryLedger();
    // 2 inputs per call, 4 rows per batch: two calls per batch, two batches in flight.
    const embedder = createRecordingEmbedder({
      price: { usdPerMillionTokens: 1_000_000, source: 'test' },
      limits: { maxInputsPerCall: 2 },
      delayMs: 30,
    });
    const oneCall = 2 * embedder.countTokens('text 1');
    const result = await embed({
      source,
      sink,
      ledger,
      embedder,
      textColumn: 'text',
      batchSize: 4,
      maxCostUsd: oneCall * 1.5,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/cost-limit/);
    const sent = embedder.calls.flatMap((call) => call.texts);
    const sentTokens = sent.reduce((sum, text) => sum + embedder.countTokens(text), 0);
    expect(sent.length).toBeGreaterThan(0);
    expect(result.tokens).toBe(sentTokens);
    expect(result.costUsd).toBeLessThanOrEqual(oneCall * 1.5);
    expect((await ledger.cost({ by: 'run' }))[0]?.tokens).toBe(sentTokens);
    const stored = [...(await sinkContents(sink)).values()].map((point) => point.content).sort();
    expect(stored).toEqual([...sent].sort());
    // Each point holds the vector of its own text (a deterministic embedder, asked again).
    const reference = createRecordingEmbedder();
    for (const point of (await sinkContents(sink)).values())
      expect(point.vector).toEqual((await reference.embed([point.content!])).vectors[0]);
  });
});
