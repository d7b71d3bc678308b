import { describe, expect, it } from 'vitest';
import { evaluateQueries } from './evaluate-queries.js';
import { ndcgAtK, overlapAtK, recallAtK } from './retrieval-metrics.js';

describe('retrieval metrics', () => {
  it('overlap@k counts the shared keys of the two top k', () => {
    expect(overlapAtK(['a', 'b', 'c', 'd'], ['d', 'c', 'x', 'a'], 3)).toBeCloseTo(1 / 3);
    expect(overlapAtK(['a', 'b', 'c', 'd'], ['d', 'c', 'x', 'a'], 4)).toBeCloseTo(3 / 4);
    expect(overlapAtK(['a', 'b'], ['b', 'a'], 10)).toBe(1); // a small index: both return everything
    expect(overlapAtK(['a', 'b'], ['a'], 10)).toBe(0.5);
    expect(overlapAtK([], [], 10)).toBe(1);
    expect(overlapAtK(['a'], ['b'], 10)).toBe(0);
  });

  it('recall@k is the share of relevant keys in the top k', () => {
    const relevant = new Set(['b', 'z']);
    expect(recallAtK(['a', 'b', 'c'], relevant, 1)).toBe(0);
    expect(recallAtK(['a', 'b', 'c'], relevant, 2)).toBe(0.5);
    expect(recallAtK(['z', 'b'], relevant, 2)).toBe(1);
    expect(recallAtK(['b', 'b', 'a'], relevant, 3)).toBe(0.5); // a repeated key counts once
    expect(recallAtK(['a'], new Set(), 10)).toBe(0);
  });

  it('nDCG@k rewards relevant keys near the top', () => {
    const relevant = new Set(['r']);
    expect(ndcgAtK(['r', 'a', 'b'], relevant, 3)).toBe(1);
    expect(ndcgAtK(['a', 'r', 'b'], relevant, 3)).toBeCloseTo(1 / Math.log2(3));
    expect(ndcgAtK(['a', 'b', 'r'], relevant, 2)).toBe(0);
    // Two relevant, found at ranks 1 and 3: (1 + 1/2) / (1 + 1/log2(3)).
    expect(ndcgAtK(['r', 'a', 's'], new Set(['r', 's']), 3)).toBeCloseTo(
      1.5 / (1 + 1 / Math.log2(3)),
    );
  });

  it('evaluateQueries averages recall and nDCG over labelled queries and overlap over all', async () => {
    const index: Record<string, string[]> = { q1: ['a', 'b'], q2: ['c', 'd'], q3: ['e', 'f'] };
    const reference: Record<string, string[]> = { q1: ['a', 'x'], q2: ['c', 'd'], q3: ['y', 'z'] };
    const seen: number[] = [];
    const result = await evaluateQueries({
      queries: [
        { query: 'q1', relevant: ['a'] },
        { query: 'q2', relevant: new Set(['x']) },
        { query: 'q3' },
      ],
      search: (query, k) => {
        seen.push(k);
        return index[query]!;
      },
      reference: async (query) => reference[query]!,
      k: 2,
    });
    expect(seen).toEqual([2, 2, 2]);
    expect(result).toEqual({
      k: 2,
      queries: 3,
      labelled: 2,
      recallAtK: 0.5,
      ndcgAtK: 0.5,
      overlapAtK: (0.5 + 1 + 0) / 3,
    });
  });

  it('evaluateQueries without labels or reference reports only counts', async () => {
    const result = await evaluateQueries({ queries: [{ query: 1 }], search: () => ['a'] });
    expect(result).toEqual({ k: 10, queries: 1, labelled: 0 });
  });
});
