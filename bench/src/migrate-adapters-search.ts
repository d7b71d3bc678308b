/** Exact (brute-force) cosine search over unit vectors, for bench/src/migrate-adapters.ts. */

export interface VectorIndex {
  keys: string[];
  dimensions: number;
  /** keys.length × dimensions, row-major, each row unit length. */
  rows: Float32Array;
}

function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}

export function buildIndex(keys: string[], vectors: readonly Float32Array[]): VectorIndex {
  const dimensions = vectors[0]!.length;
  const rows = new Float32Array(keys.length * dimensions);
  vectors.forEach((vector, index) => {
    rows.set(unit(vector), index * dimensions);
  });
  return { keys, dimensions, rows };
}

/** The keys of the k rows most similar to the query, best first. */
export function searchIndex(index: VectorIndex, query: Float32Array, k: number): string[] {
  const { rows, dimensions } = index;
  const q = unit(query);
  const bestScores = new Float64Array(k).fill(Number.NEGATIVE_INFINITY);
  const bestRows = new Int32Array(k).fill(-1);
  for (let row = 0, offset = 0; row < index.keys.length; row++, offset += dimensions) {
    let score = 0;
    for (let column = 0; column < dimensions; column++)
      score += q[column]! * rows[offset + column]!;
    if (score <= bestScores[k - 1]!) continue;
    let place = k - 1;
    while (place > 0 && bestScores[place - 1]! < score) {
      bestScores[place] = bestScores[place - 1]!;
      bestRows[place] = bestRows[place - 1]!;
      place--;
    }
    bestScores[place] = score;
    bestRows[place] = row;
  }
  return Array.from(bestRows)
    .filter((row) => row >= 0)
    .map((row) => index.keys[row]!);
}
