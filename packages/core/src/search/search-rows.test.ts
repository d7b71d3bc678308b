import { describe, expect, it } from 'vitest';
import { createMemorySink } from '../memory/memory-sink.js';
import type { Point, SearchHit } from '../spec/sink-v1.js';
import { chunkPosition, groupHitsByRow, searchRows } from './search-rows.js';

/** A point of row `key`; chunk `index` of `count` when given, else a whole row. */
const point = (key: string, angle: number, index?: number, count = 4): Point => ({
  id: index === undefined ? key : `${key}#${index}`,
  vector: Float32Array.from([Math.cos(angle), Math.sin(angle)]),
  payload: {
    key,
    source: 'src',
    content: `text ${key} ${index ?? ''}`,
    content_hash: 'h',
    model: 'm',
    run_id: 'r',
    metadata:
      index === undefined
        ? { category: 'c' }
        : {
            category: 'c',
            chunk_index: index,
            chunk_count: count,
            chunk_start: index * 10,
            chunk_end: index * 10 + 9,
          },
  },
});

async function sinkOf(points: Point[]) {
  const sink = createMemorySink();
  await sink.open({ dimensions: 2, distance: 'cosine', model: 'm' });
  await sink.upsert(points);
  let searches = 0;
  return {
    searches: () => searches,
    search: (vector: Float32Array, call: { k: number }) => {
      searches++;
      return sink.search(vector, call);
    },
  };
}

describe('search by row over chunks', () => {
  it('reads the chunk position from the metadata; a whole-row point has none', () => {
    expect(chunkPosition(point('a', 0, 2).payload)).toEqual({
      index: 2,
      count: 4,
      start: 20,
      end: 29,
    });
    expect(chunkPosition(point('a', 0).payload)).toBeNull();
  });

  it('groups hits by source and key, best first, counting the chunks of each row', () => {
    const hit = (key: string, score: number, source = 'src'): SearchHit => ({
      id: `${source}/${key}/${score}`,
      score,
      payload: { ...point(key, 0).payload, source },
    });
    const rows = groupHitsByRow([
      hit('a', 0.5),
      hit('b', 0.9),
      hit('a', 0.7),
      hit('a', 0.6, 'other'),
    ]);
    expect(rows.map((row) => [row.source, row.key, row.best.score, row.matchedChunks])).toEqual([
      ['src', 'b', 0.9, 1],
      ['src', 'a', 0.7, 2],
      ['other', 'a', 0.6, 1],
    ]);
  });

  it('a sink of whole rows: one search of k', async () => {
    const sink = await sinkOf([point('a', 0), point('b', 0.1), point('c', 0.2)]);
    const found = await searchRows(sink, Float32Array.from([1, 0]), { k: 2 });
    expect(found.chunked).toBe(false);
    expect(found.rows.map((row) => row.key)).toEqual(['a', 'b']);
    expect(sink.searches()).toBe(1);
  });

  it('a sink of chunks: fetches more until k rows are found, each with its best chunk', async () => {
    // Row "near" has many chunks nearer than any chunk of the other rows.
    const near = Array.from({ length: 30 }, (_, index) => point('near', index * 0.001, index, 30));
    const sink = await sinkOf([
      ...near,
      point('mid', 0.5, 0),
      point('far', 1, 1),
      point('x', 1.5, 0),
    ]);
    const found = await searchRows(sink, Float32Array.from([1, 0]), { k: 3, overFetch: 2 });
    expect(found.chunked).toBe(true);
    expect(found.rows.map((row) => [row.key, chunkPosition(row.best.payload)?.index])).toEqual([
      ['near', 0],
      ['mid', 0],
      ['far', 1],
    ]);
    expect(found.rows[0]!.matchedChunks).toBe(30);
    expect(sink.searches()).toBeGreaterThan(1);
  });

  it('stops when the sink has no more points, or at maxFetch', async () => {
    const points = Array.from({ length: 12 }, (_, index) => point('only', index * 0.01, index, 12));
    const all = await sinkOf(points);
    expect((await searchRows(all, Float32Array.from([1, 0]), { k: 3 })).rows).toHaveLength(1);
    const capped = await sinkOf([...points, point('other', 1, 0)]);
    const found = await searchRows(capped, Float32Array.from([1, 0]), { k: 2, maxFetch: 6 });
    expect(found.rows.map((row) => row.key)).toEqual(['only']);
    expect(capped.searches()).toBe(2);
  });
});
