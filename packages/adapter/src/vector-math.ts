/** Small vector helpers on Float32Array, shared by the fitters, the scores and apply. */

export function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let total = 0;
  for (let index = 0; index < left.length; index++) total += left[index]! * right[index]!;
  return total;
}

/** A copy scaled to unit length (a zero vector stays zero). */
export function unitLength(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(vector, vector));
  return norm > 0 ? vector.map((value) => value / norm) : vector.slice();
}

/** `row · matrix` for a row of `rows` values and a row-major rows × columns matrix. */
export function multiply(
  row: ArrayLike<number>,
  matrix: ArrayLike<number>,
  rows: number,
  columns: number,
): Float32Array {
  const out = new Float32Array(columns);
  for (let index = 0; index < rows; index++) {
    const value = row[index]!;
    if (value === 0) continue;
    const offset = index * columns;
    for (let column = 0; column < columns; column++)
      out[column]! += value * matrix[offset + column]!;
  }
  return out;
}

/** Indices of the k highest scores, highest first (ties: lower index first). */
export function topIndices(scores: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: scores.length }, (_, index) => index);
  order.sort((left, right) => scores[right]! - scores[left]! || left - right);
  return order.slice(0, k);
}
