import { FatalError } from '@drift-spark/core';
import type { OpenAIModelInfo } from './openai-models.js';

/**
 * The dimension `id` returns: the model's default, or the shortened one asked for (v3
 * models only); for a model Drift does not know, the one given (required).
 */
export function resolveOpenAIDimensions(
  id: string,
  known: OpenAIModelInfo | undefined,
  dimensions: number | undefined,
): number {
  if (known) {
    if (dimensions === undefined) return known.defaultDimensions;
    if (!known.acceptsDimensions && dimensions !== known.defaultDimensions) {
      throw new FatalError(
        `${id} always returns ${known.defaultDimensions} dimensions; remove the dimensions option or pick a text-embedding-3 model.`,
      );
    }
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > known.defaultDimensions) {
      throw new FatalError(
        `${id} takes dimensions from 1 to ${known.defaultDimensions}; got ${dimensions}.`,
      );
    }
    return dimensions;
  }
  if (dimensions === undefined || !Number.isInteger(dimensions) || dimensions < 1) {
    throw new FatalError(
      `Drift does not know the dimensions of ${id}; pass dimensions (the length of the vectors the server returns).`,
    );
  }
  return dimensions;
}
