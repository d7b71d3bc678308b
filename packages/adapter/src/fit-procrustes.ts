import { type Matrix, SVD } from 'ml-matrix';
import type { ProcrustesParameters } from './adapter-types.js';
import { encodeFloats } from './float-codec.js';
import { type PairedMatrices, rowMajor } from './paired-matrices.js';

export interface ProcrustesMap {
  /** from × to, semi-orthogonal. */
  rotation: Matrix;
  scale: number;
}

/**
 * Orthogonal Procrustes with mean-centring and a global scale. With M = Xᵀ Y (source
 * × target, both centred) = U Σ Vᵀ, the semi-orthogonal R = U Vᵀ minimises
 * ‖s X R − Y‖; it is rectangular when the dimensions differ (a rotation followed by a
 * projection or an embedding), so no padding is needed.
 */
export function fitProcrustesMap(pairs: PairedMatrices): ProcrustesMap {
  const cross = pairs.source.transpose().mmul(pairs.target);
  const svd = new SVD(cross, {
    autoTranspose: true,
    computeLeftSingularVectors: true,
    computeRightSingularVectors: true,
  });
  const rotation = svd.leftSingularVectors.mmul(svd.rightSingularVectors.transpose());
  const singularSum = svd.diagonal.reduce((total, value) => total + value, 0);
  const energy = pairs.source.mmul(rotation).norm('frobenius') ** 2;
  return { rotation, scale: energy > 0 ? singularSum / energy : 1 };
}

export function procrustesParameters(
  pairs: PairedMatrices,
  map: ProcrustesMap,
): ProcrustesParameters {
  return {
    sourceMean: encodeFloats(pairs.sourceMean),
    targetMean: encodeFloats(pairs.targetMean),
    scale: map.scale,
    rotation: encodeFloats(rowMajor(map.rotation)),
  };
}

export function fitProcrustes(pairs: PairedMatrices): ProcrustesParameters {
  return procrustesParameters(pairs, fitProcrustesMap(pairs));
}
