import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import {
  type EmbedderLimits,
  type EmbedderV1,
  type EmbedOptions,
  type EmbedResult,
  embedderFingerprint,
  FatalError,
} from '@drift-spark/core';
import { checkEmbedInput, emptyEmbedResult } from '@drift-spark/core/internal';
import type {
  BedrockEmbedderOptions,
  BedrockRuntimeClientLike,
} from './bedrock-embedder-options.js';
import { invokeBedrock } from './bedrock-invoke.js';
import {
  type BedrockModelInfo,
  bedrockModelName,
  bedrockModels,
  estimateBedrockTokens,
} from './bedrock-models.js';
import { bedrockPrice } from './bedrock-prices.js';
import { readBedrockVectors } from './bedrock-response.js';

export type {
  BedrockEmbedderOptions,
  BedrockRuntimeClientLike,
  CohereInputType,
} from './bedrock-embedder-options.js';

/**
 * A Bedrock embedder: Titan Text Embeddings v2 (one text per InvokeModel) or Cohere Embed
 * v3 (up to 96). Lazy: the client, region and credentials are resolved at the first call.
 * One InvokeModel per `embed`; the engine packs, paces and retries.
 */
export function createBedrockEmbedder(
  options: BedrockEmbedderOptions,
): EmbedderV1 & { readonly modelName: string } {
  const modelName = bedrockModelName(options.model);
  const id = `bedrock/${modelName}`;
  const known: BedrockModelInfo | undefined = bedrockModels[modelName];
  const overlong = options.overlong ?? 'truncate';
  const normalize = options.normalize ?? true;
  const inputType = options.inputType ?? 'search_document';
  const price = bedrockPrice(modelName, options.price);
  const limits: EmbedderLimits = {
    maxInputsPerCall: known?.maxInputsPerCall ?? 1,
    maxTokensPerInput: known?.maxTokensPerInput ?? 512,
    maxTokensPerCall: (known?.maxInputsPerCall ?? 1) * (known?.maxTokensPerInput ?? 512),
    maxConcurrentCalls: options.maxConcurrentCalls ?? 8,
  };
  let client: Promise<BedrockRuntimeClientLike> | undefined;

  const model = (): BedrockModelInfo => {
    if (!known) {
      throw new FatalError(
        `Drift does not know the Bedrock model ${modelName}; use amazon.titan-embed-text-v2:0, cohere.embed-english-v3 or cohere.embed-multilingual-v3.`,
      );
    }
    return known;
  };
  const resolveDimensions = (): number => {
    const info = model();
    const dimensions = options.dimensions ?? info.defaultDimensions;
    if (!info.allowedDimensions.includes(dimensions)) {
      throw new FatalError(
        `${id} returns ${info.allowedDimensions.join(', ')} dimensions; got ${dimensions}.`,
      );
    }
    return dimensions;
  };
  const settings = (): Record<string, string | boolean> =>
    model().family === 'titan' ? { normalize } : { input_type: inputType };

  const getClient = (): Promise<BedrockRuntimeClientLike> => {
    client ??= (async () => {
      if (options.client)
        return typeof options.client === 'function' ? await options.client() : options.client;
      return new BedrockRuntimeClient({
        region: options.region,
        endpoint: options.endpoint,
        // Drift's engine owns the one retry loop (backoff with jitter, adaptive concurrency);
        // SDK retries would multiply attempts and hide throttling from the pacer.
        maxAttempts: 1,
        requestHandler: { requestTimeout: options.timeoutMs ?? 60_000 },
      });
    })();
    client.catch(() => {
      client = undefined;
    });
    return client;
  };

  const titanText = (text: string): { text: string; truncated: boolean } => {
    const limit = model().maxCharactersPerInput;
    if (overlong === 'truncate' && limit !== undefined && text.length > limit) {
      let end = limit;
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--;
      return { text: text.slice(0, end), truncated: true };
    }
    return { text, truncated: false };
  };

  return {
    specificationVersion: 'v1' as const,
    id,
    modelName,
    get dimensions(): number {
      return resolveDimensions();
    },
    get fingerprint(): string {
      return embedderFingerprint(id, resolveDimensions(), settings());
    },
    limits,
    price,

    /** A conservative estimate (Drift ships no Titan or Cohere tokenizer); billing uses Bedrock's counts. */
    countTokens(text: string): number {
      if (text.length === 0) return 0;
      const estimate = estimateBedrockTokens(text);
      // What will be sent: Cohere cuts at 512 tokens when asked to truncate.
      return overlong === 'truncate' && known?.family === 'cohere'
        ? Math.min(estimate, limits.maxTokensPerInput)
        : estimate;
    },

    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<EmbedResult> {
      const info = model();
      const dimensions = resolveDimensions();
      checkEmbedInput({ id, limits }, texts, embedOptions);
      if (texts.length === 0) return emptyEmbedResult();

      let body: Record<string, unknown>;
      let truncated = 0;
      if (info.family === 'titan') {
        const input = titanText(texts[0] as string);
        truncated = input.truncated ? 1 : 0;
        body = { inputText: input.text, dimensions, normalize };
      } else {
        if (overlong === 'truncate')
          truncated = texts.filter(
            (text) => estimateBedrockTokens(text) > info.maxTokensPerInput,
          ).length;
        body = { texts, input_type: inputType, truncate: overlong === 'truncate' ? 'END' : 'NONE' };
      }

      const answer = await invokeBedrock(getClient, modelName, body, {
        inputs: texts.length,
        signal: embedOptions.signal,
      });
      const read = readBedrockVectors(id, info, answer, texts, dimensions);
      return { ...read, truncated };
    },
  };
}
