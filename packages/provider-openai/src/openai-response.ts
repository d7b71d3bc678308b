import { FatalError, TransientError } from '@drift-spark/core';
import { decodeBase64Float32 } from './openai-base64.js';
import type { OpenAIEmbeddingsResponse } from './openai-embedder-options.js';

/**
 * One vector per input, in input order (by each item's `index`), each of `dimensions`
 * floats. A short or garbled answer is transient (tried again); another length is fatal.
 */
export function readOpenAIVectors(
  id: string,
  response: OpenAIEmbeddingsResponse,
  inputs: number,
  dimensions: number,
): Float32Array[] {
  if (!Array.isArray(response?.data) || response.data.length !== inputs) {
    throw new TransientError(
      `${id} answered ${response?.data?.length ?? 'no'} embeddings for ${inputs} inputs; the call will be tried again.`,
    );
  }
  const vectors = new Array<Float32Array>(inputs);
  for (const item of response.data) {
    const vector =
      typeof item.embedding === 'string'
        ? decodeBase64Float32(item.embedding)
        : Float32Array.from(item.embedding);
    if (vector.length !== dimensions) {
      throw new FatalError(
        `${id} returned vectors of ${vector.length} dimensions, not ${dimensions}; set dimensions to what the model returns.`,
      );
    }
    vectors[item.index] = vector;
  }
  // A loop, not `some`: `some` skips the holes a missing index leaves.
  for (let index = 0; index < inputs; index++) {
    if (vectors[index] === undefined) {
      throw new TransientError(
        `${id} answered embeddings with missing or repeated indexes; the call will be tried again.`,
      );
    }
  }
  return vectors;
}
