/**
 * Retrieval metrics on ranked lists of keys (best first). Binary relevance.
 */

/**
 * Share of the top k of `a` that is also in the top k of `b`, over the longer of
 * the two cut lists (1 when both are empty): 1 means the same k results.
 */
export function overlapAtK(a: readonly string[], b: readonly string[], k: number): number {
  const left = new Set(a.slice(0, k));
  const right = new Set(b.slice(0, k));
  const size = Math.max(left.size, right.size);
  if (size === 0) return 1;
  let shared = 0;
  for (const key of left) if (right.has(key)) shared++;
  return shared / size;
}

/** Share of the relevant keys found in the top k (0 when nothing is relevant). */
export function recallAtK(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  if (relevant.size === 0) return 0;
  let found = 0;
  for (const key of new Set(ranked.slice(0, k))) if (relevant.has(key)) found++;
  return found / relevant.size;
}

/** Normalised discounted cumulative gain at k: 1 when the relevant keys lead the list. */
export function ndcgAtK(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  if (relevant.size === 0) return 0;
  let gain = 0;
  const seen = new Set<string>();
  ranked.slice(0, k).forEach((key, index) => {
    if (relevant.has(key) && !seen.has(key)) gain += 1 / Math.log2(index + 2);
    seen.add(key);
  });
  let ideal = 0;
  for (let index = 0; index < Math.min(k, relevant.size); index++)
    ideal += 1 / Math.log2(index + 2);
  return gain / ideal;
}
