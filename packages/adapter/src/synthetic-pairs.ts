// Test data: paired vectors related by a known map. Used by the tests only.
import { Matrix, QrDecomposition } from 'ml-matrix';
import { gaussian, seededRandom } from './seeded-random.js';
import { unitLength } from './vector-math.js';

export type Random = () => number;

export function randomVectors(
  count: number,
  dimensions: number,
  random: Random,
  mean = 0,
): Float32Array[] {
  return Array.from({ length: count }, () =>
    unitLength(Float32Array.from({ length: dimensions }, () => gaussian(random) + mean)),
  );
}

/** A rows × columns matrix with orthonormal rows (rows ≤ columns) or columns (rows ≥ columns). */
export function semiOrthogonal(rows: number, columns: number, random: Random): Matrix {
  const size = Math.max(rows, columns);
  const square = new QrDecomposition(
    new Matrix(
      Array.from({ length: size }, () => Array.from({ length: size }, () => gaussian(random))),
    ),
  ).orthogonalMatrix;
  return square.subMatrix(0, rows - 1, 0, columns - 1);
}

export function mapRows(vectors: Float32Array[], matrix: Matrix): Float32Array[] {
  return new Matrix(vectors.map((vector) => Array.from(vector)))
    .mmul(matrix)
    .to2DArray()
    .map((row) => Float32Array.from(row));
}

export function cosine(left: Float32Array, right: Float32Array): number {
  const a = unitLength(left);
  const b = unitLength(right);
  return a.reduce((total, value, index) => total + value * b[index]!, 0);
}

export { seededRandom };
