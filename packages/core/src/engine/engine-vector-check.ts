import { InvalidVectorError } from '../errors/errors.js';

/**
 * Why a provider's vector must not be stored, as an error, or undefined when it is a
 * vector: all zeros (no direction: cosine search cannot rank it, and it would match
 * nothing forever) or a value that is not a finite number. The row fails alone, like a
 * rejected input, and the next run asks again.
 */
export function invalidVector(
  vector: Float32Array,
  embedderId: string,
): InvalidVectorError | undefined {
  let zero = true;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index]!;
    if (!Number.isFinite(value))
      return new InvalidVectorError(
        `The embedder ${embedderId} returned a vector with ${value} at dimension ${index}; it was not stored, and the next run asks again.`,
      );
    if (value !== 0) zero = false;
  }
  if (!zero) return undefined;
  return new InvalidVectorError(
    `The embedder ${embedderId} returned an all-zero vector; it was not stored (a provider fault), and the next run asks again.`,
  );
}
