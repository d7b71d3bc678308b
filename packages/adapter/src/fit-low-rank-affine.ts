import { CholeskyDecomposition, EVD, Matrix } from 'ml-matrix';
import { encodeFloats } from './float-codec.js';
import { type PairedMatrices, rowMajor } from './paired-matrices.js';

export interface LowRankAffineParameters {
  rank: number;
  ridge: number;
  sourceMean: string;
  targetMean: string;
  down: string;
  up: string;
}

/**
 * Reduced-rank ridge regression: W = (XᵀX + λI)⁻¹ XᵀY on centred pairs, then W is
 * cut to the `rank` directions that carry most of the fitted values (the top
 * eigenvectors V of Wᵀ XᵀX W), stored as down = W V and up = Vᵀ. λ is `ridge` times
 * the mean variance of the inputs, so one default suits any scale.
 */
export function fitLowRankAffine(
  pairs: PairedMatrices,
  options: { rank: number; ridge: number },
): LowRankAffineParameters {
  const rank = Math.max(1, Math.min(options.rank, pairs.from, pairs.to));
  const gram = pairs.source.transpose().mmul(pairs.source);
  const lambda = (options.ridge * gram.trace()) / pairs.from || options.ridge;
  const regularised = gram.clone().add(Matrix.eye(pairs.from).mul(lambda));
  const cross = pairs.source.transpose().mmul(pairs.target);
  const weights = new CholeskyDecomposition(regularised).solve(cross);
  const fitted = weights.transpose().mmul(gram.mmul(weights));
  const evd = new EVD(fitted, { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((value, index) => ({ value, index }))
    .sort((left, right) => right.value - left.value)
    .slice(0, rank)
    .map((entry) => entry.index);
  const directions = evd.eigenvectorMatrix.subMatrixColumn(order);
  return {
    rank,
    ridge: options.ridge,
    sourceMean: encodeFloats(pairs.sourceMean),
    targetMean: encodeFloats(pairs.targetMean),
    down: encodeFloats(rowMajor(weights.mmul(directions))),
    up: encodeFloats(rowMajor(directions.transpose())),
  };
}
