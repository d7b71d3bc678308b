import { Matrix } from 'ml-matrix';
import { unitLength } from './vector-math.js';

/** Paired embeddings as mean-centred matrices (rows L2-normalised first), ready to fit. */
export interface PairedMatrices {
  count: number;
  from: number;
  to: number;
  /** count × from, centred. */
  source: Matrix;
  /** count × to, centred. */
  target: Matrix;
  sourceMean: number[];
  targetMean: number[];
}

function centred(rows: readonly Float32Array[]): { matrix: Matrix; mean: number[] } {
  const matrix = new Matrix(rows.map((row) => Array.from(unitLength(row))));
  const mean = matrix.mean('column');
  matrix.subRowVector(mean);
  return { matrix, mean };
}

export function pairedMatrices(
  source: readonly Float32Array[],
  target: readonly Float32Array[],
): PairedMatrices {
  const left = centred(source);
  const right = centred(target);
  return {
    count: source.length,
    from: left.matrix.columns,
    to: right.matrix.columns,
    source: left.matrix,
    target: right.matrix,
    sourceMean: left.mean,
    targetMean: right.mean,
  };
}

/** A matrix's entries, row-major, as float32 (the adapter file's layout). */
export function rowMajor(matrix: Matrix): Float32Array {
  const out = new Float32Array(matrix.rows * matrix.columns);
  for (let row = 0; row < matrix.rows; row++) {
    const values = matrix.getRow(row);
    out.set(values, row * matrix.columns);
  }
  return out;
}
