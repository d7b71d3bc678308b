import { InvalidInputError } from '../errors/errors.js';

/**
 * Refuses a search a store cannot answer: `k` not a positive integer, or a query vector
 * of another size than the store holds. `holder` names the store, e.g. `the table docs`.
 */
export function assertSearchArgs(
  vector: ArrayLike<number>,
  k: number,
  dimensions: number,
  holder: string,
): void {
  if (!Number.isInteger(k) || k < 1) throw new InvalidInputError(`search needs k ≥ 1, not ${k}.`);
  if (vector.length !== dimensions)
    throw new InvalidInputError(
      `The query vector has ${vector.length} dimensions; ${holder} holds ${dimensions}.`,
    );
}
