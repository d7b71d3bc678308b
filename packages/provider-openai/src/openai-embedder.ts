import {
  type EmbedderLimits,
  type EmbedderV1,
  type EmbedOptions,
  type EmbedResult,
  embedderFingerprint,
} from '@drift-spark/core';
import { apportionTokens, checkEmbedInput, emptyEmbedResult } from '@drift-spark/core/internal';
import { lazyOpenAIClient } from './openai-client.js';
import { resolveOpenAIDimensions } from './openai-dimensions.js';
import type {
  OpenAIEmbedderOptions,
  OpenAIEmbeddingsRequest,
  OpenAIEmbeddingsResponse,
} from './openai-embedder-options.js';
import { toDriftError } from './openai-errors.js';
import { createInputPreparer, packedTokens, prepareCall } from './openai-inputs.js';
import { openAILimits, openAIModelName, openAIModels } from './openai-models.js';
import { openAIPrice } from './openai-prices.js';
import { readOpenAIVectors } from './openai-response.js';

export type {
  OpenAIEmbedderOptions,
  OpenAIEmbeddingsClient,
  OpenAIEmbeddingsRequest,
  OpenAIEmbeddingsResponse,
} from './openai-embedder-options.js';

/**
 * An OpenAI embedder. Lazy: nothing reads the environment, builds a client or checks the
 * options until the first call. The engine packs calls to `limits` with `countTokens`,
 * paces them and retries; this embedder makes exactly one HTTP request per `embed`.
 */
export function createOpenAIEmbedder(
  options: OpenAIEmbedderOptions,
): EmbedderV1 & { readonly modelName: string } {
  const modelName = openAIModelName(options.model);
  const known = openAIModels[modelName];
  const id = `openai/${modelName}`;
  const limits: EmbedderLimits = {
    ...openAILimits,
    maxConcurrentCalls: options.maxConcurrentCalls ?? 8,
  };
  const price = openAIPrice(modelName, options.price);
  const client = lazyOpenAIClient(id, options);
  const prepare = createInputPreparer(limits, options.overlong ?? 'truncate');
  const resolveDimensions = () => resolveOpenAIDimensions(id, known, options.dimensions);

  return {
    specificationVersion: 'v1' as const,
    id,
    modelName,
    get dimensions(): number {
      return resolveDimensions();
    },
    get fingerprint(): string {
      return embedderFingerprint(id, resolveDimensions());
    },
    limits,
    price,

    /**
     * What the engine packs calls with: the larger of the real cl100k_base count and
     * OpenAI's own per-request estimate (a quarter token per UTF-8 byte), of the text as
     * it will be sent (after truncation), so a call packed to 300k never exceeds OpenAI's check.
     */
    countTokens(text: string): number {
      return text.length === 0 ? 0 : packedTokens(prepare(text));
    },

    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<EmbedResult> {
      const dimensions = resolveDimensions();
      checkEmbedInput({ id, limits }, texts, embedOptions);
      if (texts.length === 0) return emptyEmbedResult();
      const inputs = prepareCall(id, texts, limits, prepare);

      const request: OpenAIEmbeddingsRequest = {
        model: modelName,
        input: inputs.map((input) => input.text),
        // Explicit, so the SDK hands back the base64 string and Drift decodes it once,
        // straight into a Float32Array (the SDK's own decode goes through number[]).
        encoding_format: 'base64',
      };
      if (known?.acceptsDimensions && options.dimensions !== undefined)
        request.dimensions = dimensions;

      let response: OpenAIEmbeddingsResponse;
      try {
        const openai = await client.get();
        response = await openai.embeddings.create(request, { signal: embedOptions.signal });
      } catch (error) {
        throw toDriftError(error, {
          model: modelName,
          apiKey: client.apiKeyUsed ?? options.apiKey,
          aborted: embedOptions.signal?.aborted,
        });
      }

      const vectors = readOpenAIVectors(id, response, inputs.length, dimensions);
      const realTokens = inputs.map((input) => input.tokens);
      const tokens =
        response.usage?.prompt_tokens ?? realTokens.reduce((sum, count) => sum + count, 0);
      return {
        vectors,
        tokens,
        // Per-input shares of the billed total, weighted by cl100k_base counts, so that
        // the per-embedding costs add up to exactly what the provider reported.
        tokensPerInput: apportionTokens(tokens, realTokens),
        truncated: inputs.filter((input) => input.truncated).length,
      };
    },
  };
}
