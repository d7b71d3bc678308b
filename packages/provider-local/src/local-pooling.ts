import type { LocalPooling } from './local-model-folder.js';

/** A tensor as the ONNX runtime hands it back: flat data and its shape. */
export interface OutputTensor {
  data: ArrayLike<number>;
  dims: readonly number[];
}

/** The attention mask of a padded batch: 1 for a real token, 0 for padding, `[batch, tokens]`. */
export interface BatchMask {
  data: ArrayLike<number | bigint>;
  dims: readonly number[];
}

/**
 * One vector per input from a model output: `[batch, tokens, dims]` pooled by mean over the
 * real tokens (padding left out) or by the first token, or `[batch, dims]` as it is; then
 * scaled to unit length when `normalize`.
 */
export function poolVectors(
  output: OutputTensor,
  mask: BatchMask,
  pooling: LocalPooling,
  normalize: boolean,
): Float32Array[] {
  const batch = output.dims[0]!;
  const vectors: Float32Array[] = [];
  if (pooling === 'none') {
    if (output.dims.length !== 2)
      throw new Error(`expected a pooled [batch, dims] output, got [${output.dims.join(', ')}]`);
    const dims = output.dims[1]!;
    for (let row = 0; row < batch; row++)
      vectors.push(Float32Array.from({ length: dims }, (_, i) => output.data[row * dims + i]!));
  } else {
    if (output.dims.length !== 3)
      throw new Error(`expected a [batch, tokens, dims] output, got [${output.dims.join(', ')}]`);
    const tokens = output.dims[1]!;
    const dims = output.dims[2]!;
    for (let row = 0; row < batch; row++) {
      const vector = new Float32Array(dims);
      let count = 0;
      const last = pooling === 'cls' ? 1 : tokens;
      for (let token = 0; token < last; token++) {
        if (Number(mask.data[row * tokens + token]) === 0) continue;
        const base = (row * tokens + token) * dims;
        for (let i = 0; i < dims; i++) vector[i] = vector[i]! + output.data[base + i]!;
        count++;
      }
      if (count > 0) for (let i = 0; i < dims; i++) vector[i] = vector[i]! / count;
      vectors.push(vector);
    }
  }
  if (normalize) for (const vector of vectors) normalizeInPlace(vector);
  return vectors;
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalizeInPlace(vector: Float32Array): void {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
}
