import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import { createMemoryLedger } from '../memory/memory-ledger.js';
import { createMemorySink } from '../memory/memory-sink.js';
import { createShadowEmbedder } from '../shadow/shadow-embedder.js';
import type { Embedder } from '../spec/embedder-v1.js';
import type { Point, Sink } from '../spec/sink-v1.js';
import type { Source } from '../spec/source-v1.js';
import { guardEmbedder } from './guard-embedder.js';
import { guardLedger } from './guard-ledger.js';
import { guardSink } from './guard-sink.js';
import { guardSource } from './guard-source.js';

const hasCode = (code: string) => (error: unknown) => DriftError.hasCode(error, code);
const openOptions = { dimensions: 2, distance: 'cosine' as const, model: 'm' };
const point = (id: string): Point => ({
  id,
  vector: Float32Array.from([1, 0]),
  payload: {
    key: id,
    source: 's',
    content: null,
    content_hash: 'h',
    model: 'm',
    run_id: 'r',
    metadata: null,
  },
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A naive sink that counts calls and overlapping writes. */
function naiveSink(options: { concurrentWrites: boolean; failOpens?: number }) {
  const stats = { opens: 0, closes: 0, writesInFlight: 0, maxWritesInFlight: 0 };
  let failOpens = options.failOpens ?? 0;
  const write = async () => {
    stats.writesInFlight++;
    stats.maxWritesInFlight = Math.max(stats.maxWritesInFlight, stats.writesInFlight);
    await tick();
    stats.writesInFlight--;
  };
  const sink: Sink = {
    ...createMemorySink(),
    specificationVersion: 'v1',
    id: 'naive://',
    capabilities: { concurrentWrites: options.concurrentWrites },
    async open() {
      stats.opens++;
      await tick();
      if (failOpens-- > 0) throw new Error('connection refused');
    },
    upsert: write,
    delete: write,
    async close() {
      stats.closes++;
    },
  };
  return { sink, stats };
}

describe('guardSink', () => {
  it('opens once for concurrent callers and again after a failed open', async () => {
    const { sink, stats } = naiveSink({ concurrentWrites: true, failOpens: 1 });
    const guarded = guardSink(sink);
    await expect(guarded.open(openOptions)).rejects.toThrow('connection refused');
    await Promise.all([guarded.open(openOptions), guarded.open(openOptions)]);
    await guarded.open(openOptions);
    expect(stats.opens).toBe(2);
    await expect(guarded.open({ ...openOptions, dimensions: 3 })).rejects.toSatisfy(
      hasCode('plugin-state'),
    );
  });

  it('refuses calls before open and after close, and closes once', async () => {
    const { sink, stats } = naiveSink({ concurrentWrites: true });
    const guarded = guardSink(sink);
    await expect(guarded.upsert([point('a')])).rejects.toSatisfy(hasCode('plugin-state'));
    await guarded.open(openOptions);
    await guarded.upsert([point('a')]);
    await Promise.all([guarded.close(), guarded.close()]);
    await guarded.close();
    expect(stats.closes).toBe(1);
    await expect(guarded.upsert([point('a')])).rejects.toSatisfy(hasCode('plugin-state'));
    await expect(guarded.open(openOptions)).rejects.toSatisfy(hasCode('plugin-state'));
  });

  it('serialises calls of a sink that cannot take concurrent writes, not of one that can', async () => {
    for (const concurrentWrites of [false, true]) {
      const { sink, stats } = naiveSink({ concurrentWrites });
      const guarded = guardSink(sink);
      await guarded.open(openOptions);
      await Promise.all([
        guarded.upsert([point('a')]),
        guarded.delete(['b']),
        guarded.upsert([point('c')]),
      ]);
      expect(stats.maxWritesInFlight).toBe(concurrentWrites ? 3 : 1);
    }
  });

  it('waits for writes in flight before closing', async () => {
    const { sink, stats } = naiveSink({ concurrentWrites: true });
    const guarded = guardSink(sink);
    await guarded.open(openOptions);
    const write = guarded.upsert([point('a')]);
    await guarded.close();
    expect(stats.writesInFlight).toBe(0);
    await write;
  });

  it('refuses an unknown specification version by name', () => {
    const sink = { ...createMemorySink(), specificationVersion: 'v9' } as unknown as Sink;
    expect(() => guardSink(sink)).toThrow(/specification "v9"/);
  });

  it('returns an already guarded sink as it is', () => {
    const guarded = guardSink(createMemorySink());
    expect(guardSink(guarded)).toBe(guarded);
  });
});

it('lets a serialised sink be written while it is scanned', async () => {
  const { sink } = naiveSink({ concurrentWrites: false });
  sink.scan = async function* () {
    yield [];
    yield [];
  };
  const guarded = guardSink(sink);
  await guarded.open(openOptions);
  let batches = 0;
  for await (const _ of guarded.scan()) {
    await guarded.upsert([point(`x${batches++}`)]);
  }
  expect(batches).toBe(2);
});

describe('guardEmbedder', () => {
  it('runs one call at a time when the embedder says maxConcurrentCalls 1', async () => {
    let inFlight = 0;
    let most = 0;
    const inner = createShadowEmbedder({
      model: 'x/y',
      dimensions: 4,
      limits: { maxConcurrentCalls: 1 },
    });
    const embedder: Embedder = {
      ...inner,
      dimensions: 4,
      fingerprint: inner.fingerprint,
      async embed(texts, options) {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick();
        inFlight--;
        return inner.embed(texts, options);
      },
    };
    const guarded = guardEmbedder(embedder);
    await Promise.all([guarded.embed(['a']), guarded.embed(['b']), guarded.embed(['c'])]);
    expect(most).toBe(1);
  });

  it('refuses too many inputs before the plugin sees them, and a wrong-shaped result', async () => {
    let calls = 0;
    const embedder: Embedder = {
      specificationVersion: 'v1',
      id: 'bad/embedder',
      dimensions: 3,
      fingerprint: 'bad/embedder@3',
      limits: {
        maxInputsPerCall: 2,
        maxTokensPerInput: 10,
        maxTokensPerCall: 20,
        maxConcurrentCalls: 2,
      },
      price: { usdPerMillionTokens: 1, source: 'test' },
      countTokens: (text) => text.length,
      async embed(texts) {
        calls++;
        return { vectors: texts.map(() => new Float32Array(2)), tokens: 1 };
      },
    };
    const guarded = guardEmbedder(embedder);
    await expect(guarded.embed(['a', 'b', 'c'])).rejects.toSatisfy(hasCode('limit-exceeded'));
    expect(calls).toBe(0);
    await expect(guarded.embed(['a'])).rejects.toThrow(
      /2-dimensional vector for input 0; it declares 3/,
    );
  });

  it('refuses limits that are not positive integers', () => {
    const embedder = {
      ...createShadowEmbedder({ model: 'x/y', dimensions: 4 }),
      limits: {
        maxInputsPerCall: 0,
        maxTokensPerInput: 1,
        maxTokensPerCall: 1,
        maxConcurrentCalls: 1,
      },
    };
    expect(() => guardEmbedder(embedder)).toThrow(/maxInputsPerCall/);
  });
});

describe('guardSource', () => {
  const source: Source = {
    specificationVersion: 'v1',
    id: 'array://t',
    async describe() {
      return { id: 'array://t', columns: [], changeFeed: false };
    },
    async *scan() {
      yield { rows: [{ id: 1 }] };
    },
  };

  it('keeps changes absent when the source has none, and refuses use after close', async () => {
    let closes = 0;
    const guarded = guardSource({ ...source, close: async () => void closes++ });
    expect(guarded.changes).toBeUndefined();
    const batches = [];
    for await (const batch of guarded.scan({ columns: ['id'] })) batches.push(batch);
    expect(batches).toEqual([{ rows: [{ id: 1 }] }]);
    await guarded.close!();
    await guarded.close!();
    expect(closes).toBe(1);
    await expect(guarded.describe()).rejects.toSatisfy(hasCode('plugin-state'));
    await expect(async () => {
      for await (const _ of guarded.scan({ columns: ['id'] })) {
        // nothing
      }
    }).rejects.toSatisfy(hasCode('plugin-state'));
  });
});

describe('guardLedger', () => {
  it('refuses use after close and closes the ledger once', async () => {
    let closes = 0;
    const inner = createMemoryLedger();
    const guarded = guardLedger({
      ...inner,
      close: async () => {
        closes++;
      },
    });
    expect(await guarded.countPoints('s')).toBe(0);
    await Promise.all([guarded.close(), guarded.close()]);
    expect(closes).toBe(1);
    await expect(guarded.countPoints('s')).rejects.toSatisfy(hasCode('plugin-state'));
  });
});
