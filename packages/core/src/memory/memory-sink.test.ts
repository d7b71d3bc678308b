import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import type { Point } from '../spec/sink-v1.js';
import { createDiscardingSink } from './discarding-sink.js';
import { createMemorySink } from './memory-sink.js';
import { createMemorySinkStore } from './memory-sink-store.js';

const point = (id: string, vector: number[], key = id): Point => ({
  id,
  vector: Float32Array.from(vector),
  payload: {
    key,
    source: 'src',
    content: `text ${key}`,
    content_hash: 'h',
    model: 'm',
    run_id: 'r',
    metadata: { tags: ['a'] },
  },
});

describe('memory sink', () => {
  it('refuses use before open with a plugin-state error', async () => {
    const sink = createMemorySink();
    await expect(sink.count()).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'plugin-state'),
    );
  });

  it('copies vectors and payloads in and out', async () => {
    const sink = createMemorySink();
    await sink.open({ dimensions: 2, distance: 'cosine', model: 'm' });
    const written = point('a', [1, 0]);
    await sink.upsert([written]);
    written.vector[0] = 5;
    (written.payload.metadata as { tags: string[] }).tags.push('mutated');
    const [read] = await sink.retrieve(['a'], { withVectors: true });
    expect(Array.from(read!.vector!)).toEqual([1, 0]);
    expect(read!.payload.metadata).toEqual({ tags: ['a'] });
    read!.vector![0] = 9;
    const [again] = await sink.retrieve(['a'], { withVectors: true });
    expect(again!.vector![0]).toBe(1);
  });

  it('searches by cosine, best first, k at most', async () => {
    const sink = createMemorySink();
    await sink.open({ dimensions: 2, distance: 'cosine', model: 'm' });
    await sink.upsert([point('east', [1, 0]), point('north', [0, 1]), point('north-east', [1, 1])]);
    const hits = await sink.search(Float32Array.from([1, 0.1]), { k: 2 });
    expect(hits.map((hit) => hit.id)).toEqual(['east', 'north-east']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]!.payload.key).toBe('east');
  });

  it('shares points through a store and refuses another dimension or model on it', async () => {
    const store = createMemorySinkStore();
    const first = createMemorySink({ store });
    await first.open({ dimensions: 2, distance: 'cosine', model: 'm' });
    await first.upsert([point('a', [1, 0])]);
    await first.close();
    const second = createMemorySink({ store });
    expect(second.id).toBe(first.id);
    await expect(second.open({ dimensions: 3, distance: 'cosine', model: 'm' })).rejects.toSatisfy(
      (error) => DriftError.hasCode(error, 'dimension-mismatch'),
    );
    await expect(
      second.open({ dimensions: 2, distance: 'cosine', model: 'other' }),
    ).rejects.toThrow(/will not mix/);
    await second.open({ dimensions: 2, distance: 'cosine', model: 'm' });
    expect(await second.count()).toBe(1);
  });

  it('refuses a vector of the wrong length', async () => {
    const sink = createMemorySink();
    await sink.open({ dimensions: 3, distance: 'cosine', model: 'm' });
    await expect(sink.upsert([point('a', [1, 0])])).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'dimension-mismatch'),
    );
    expect(await sink.count()).toBe(0);
  });
});

describe('discarding sink', () => {
  it('accepts writes and keeps nothing', async () => {
    const sink = createDiscardingSink();
    await sink.open({ dimensions: 2, distance: 'cosine', model: 'm' });
    await sink.upsert([point('a', [1, 0]), point('b', [0, 1])]);
    expect(sink.pointsWritten).toBe(2);
    expect(await sink.count()).toBe(0);
    expect(await sink.retrieve(['a'])).toEqual([]);
  });
});
