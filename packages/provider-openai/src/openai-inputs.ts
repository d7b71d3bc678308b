import { type EmbedderLimits, InputRejectedError, LimitExceededError } from '@drift-spark/core';
import {
  countTokens,
  encodeTokens,
  estimateTokensByBytes,
  truncateToTokens,
} from './openai-tokenizer.js';

/** A text ready to send: possibly truncated, with its real and its estimated token counts. */
export interface PreparedInput {
  text: string;
  tokens: number;
  estimate: number;
  truncated: boolean;
}

const cacheLimit = 8192;

/**
 * Prepares texts to send (truncated when `overlong` is `truncate`), remembering the last
 * few thousand: countTokens and embed both need a text's tokens.
 */
export function createInputPreparer(
  limits: EmbedderLimits,
  overlong: 'truncate' | 'reject',
): (text: string) => PreparedInput {
  const prepared = new Map<string, PreparedInput>();
  return (text) => {
    const cached = prepared.get(text);
    if (cached) return cached;
    // counted first: the ids themselves are needed only to truncate
    const count = countTokens(text);
    let result: PreparedInput;
    if (count > limits.maxTokensPerInput && overlong === 'truncate') {
      const cut = truncateToTokens(encodeTokens(text), limits.maxTokensPerInput);
      result = {
        text: cut,
        tokens: Math.min(countTokens(cut), limits.maxTokensPerInput),
        estimate: estimateTokensByBytes(cut),
        truncated: true,
      };
    } else {
      result = {
        text,
        tokens: count,
        estimate: estimateTokensByBytes(text),
        truncated: false,
      };
    }
    if (prepared.size >= cacheLimit) prepared.clear();
    prepared.set(text, result);
    return result;
  };
}

/** What `countTokens` says of an input: the larger of the real and OpenAI's estimated count. */
export const packedTokens = (input: PreparedInput): number =>
  Math.max(input.tokens, input.estimate);

/**
 * The inputs of one call, refused before sending when one is over the per-input limit
 * (`overlong: 'reject'`) or the call is over the per-call one, as `countTokens` counts.
 */
export function prepareCall(
  id: string,
  texts: string[],
  limits: EmbedderLimits,
  prepare: (text: string) => PreparedInput,
): PreparedInput[] {
  const inputs = texts.map((text, index) => {
    const input = prepare(text);
    if (input.tokens > limits.maxTokensPerInput) {
      throw new InputRejectedError(
        `Input ${index} has ${input.tokens} tokens, over the ${limits.maxTokensPerInput}-token limit of ${id} (overlong: 'reject').`,
        { inputIndex: index },
      );
    }
    return input;
  });
  const estimate = inputs.reduce((sum, input) => sum + packedTokens(input), 0);
  if (estimate > limits.maxTokensPerCall) {
    throw new LimitExceededError(
      `${id} takes at most ${limits.maxTokensPerCall} tokens per call (as countTokens counts them); got ${estimate}. Split the call.`,
    );
  }
  return inputs;
}
