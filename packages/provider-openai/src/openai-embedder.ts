import {
  AbortedError,
  type EmbedderLimits,
  type EmbedderPrice,
  type EmbedderV1,
  type EmbedOptions,
  type EmbedResult,
  embedderFingerprint,
  FatalError,
  InputRejectedError,
  InvalidInputError,
  LimitExceededError,
  TransientError,
} from '@drift-spark/core';
import OpenAI from 'openai';
import { decodeBase64Float32 } from './openai-base64.js';
import { toDriftError } from './openai-errors.js';
import { openAILimits, openAIModelName, openAIModels } from './openai-models.js';
import { openAIPrice } from './openai-prices.js';
import {
  apportion,
  encodeTokens,
  estimateTokensByBytes,
  truncateToTokens,
} from './openai-tokenizer.js';

/** The request body Drift sends. */
export interface OpenAIEmbeddingsRequest {
  model: string;
  input: string[];
  encoding_format: 'base64';
  dimensions?: number;
}

/** The part of the answer Drift reads. `embedding` is base64 (or floats from servers that ignore `encoding_format`). */
export interface OpenAIEmbeddingsResponse {
  data: Array<{ index: number; embedding: string | number[] }>;
  usage?: { prompt_tokens: number };
}

/** The subset of the `openai` client Drift uses; inject a real `OpenAI` instance or a fake. */
export interface OpenAIEmbeddingsClient {
  embeddings: {
    create(
      body: OpenAIEmbeddingsRequest,
      options?: { signal?: AbortSignal },
    ): PromiseLike<OpenAIEmbeddingsResponse>;
  };
}

export interface OpenAIEmbedderOptions {
  /** `openai/text-embedding-3-small`, `text-embedding-3-large`, or any model name of an OpenAI-compatible server. */
  model: string;
  /** Default `OPENAI_API_KEY`, read at the first call. */
  apiKey?: string;
  /** Default `OPENAI_BASE_URL`, then OpenAI's. For Azure OpenAI, vLLM, Ollama (`http://localhost:11434/v1`). */
  baseURL?: string;
  /** Shortened embeddings for the v3 models; required for a model Drift does not know. Part of the fingerprint. */
  dimensions?: number;
  /** A client (or a function that makes one) to use instead of building one; tests pass fakes. */
  client?:
    | OpenAIEmbeddingsClient
    | (() => OpenAIEmbeddingsClient | Promise<OpenAIEmbeddingsClient>);
  /** USD per 1M tokens (or a full price with its source), instead of the list price. */
  price?: number | EmbedderPrice;
  /** Inputs over 8192 tokens: cut to 8192 tokens and counted in `truncated` (default), or refused as input-rejected. */
  overlong?: 'truncate' | 'reject';
  /** Milliseconds one call may take before it counts as a transient failure. Default 60 000. */
  timeoutMs?: number;
  /** Calls the engine may keep in flight. Default 8. */
  maxConcurrentCalls?: number;
}

/** A text ready to send: possibly truncated, with its real and its estimated token counts. */
interface PreparedInput {
  text: string;
  tokens: number;
  estimate: number;
  truncated: boolean;
}

const cacheLimit = 8192;

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
  const overlong = options.overlong ?? 'truncate';
  const limits: EmbedderLimits = {
    ...openAILimits,
    maxConcurrentCalls: options.maxConcurrentCalls ?? 8,
  };
  const price = openAIPrice(modelName, options.price);
  let apiKeyUsed: string | undefined;
  let client: Promise<OpenAIEmbeddingsClient> | undefined;
  // countTokens and embed both need a text's tokens; keep the last few thousand.
  const prepared = new Map<string, PreparedInput>();

  const resolveDimensions = (): number => {
    if (known) {
      if (options.dimensions === undefined) return known.defaultDimensions;
      if (!known.acceptsDimensions && options.dimensions !== known.defaultDimensions) {
        throw new FatalError(
          `${id} always returns ${known.defaultDimensions} dimensions; remove the dimensions option or pick a text-embedding-3 model.`,
        );
      }
      if (
        !Number.isInteger(options.dimensions) ||
        options.dimensions < 1 ||
        options.dimensions > known.defaultDimensions
      ) {
        throw new FatalError(
          `${id} takes dimensions from 1 to ${known.defaultDimensions}; got ${options.dimensions}.`,
        );
      }
      return options.dimensions;
    }
    if (
      options.dimensions === undefined ||
      !Number.isInteger(options.dimensions) ||
      options.dimensions < 1
    ) {
      throw new FatalError(
        `Drift does not know the dimensions of ${id}; pass dimensions (the length of the vectors the server returns).`,
      );
    }
    return options.dimensions;
  };

  const prepare = (text: string): PreparedInput => {
    const cached = prepared.get(text);
    if (cached) return cached;
    const tokens = encodeTokens(text);
    let result: PreparedInput;
    if (tokens.length > limits.maxTokensPerInput && overlong === 'truncate') {
      const cut = truncateToTokens(tokens, limits.maxTokensPerInput);
      result = {
        text: cut,
        tokens: Math.min(encodeTokens(cut).length, limits.maxTokensPerInput),
        estimate: estimateTokensByBytes(cut),
        truncated: true,
      };
    } else {
      result = {
        text,
        tokens: tokens.length,
        estimate: estimateTokensByBytes(text),
        truncated: false,
      };
    }
    if (prepared.size >= cacheLimit) prepared.clear();
    prepared.set(text, result);
    return result;
  };

  const getClient = (): Promise<OpenAIEmbeddingsClient> => {
    client ??= (async () => {
      if (options.client)
        return typeof options.client === 'function' ? await options.client() : options.client;
      const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
      if (!apiKey) {
        throw new FatalError(
          `No OpenAI API key for ${id}: set OPENAI_API_KEY (or pass apiKey), or use --shadow-mode to run without a provider.`,
        );
      }
      apiKeyUsed = apiKey;
      return new OpenAI({
        apiKey,
        baseURL: options.baseURL ?? process.env.OPENAI_BASE_URL ?? undefined,
        // Drift's engine owns the one retry loop (backoff with jitter, Retry-After, adaptive
        // concurrency). SDK retries would multiply attempts and hide 429s from the pacer.
        maxRetries: 0,
        timeout: options.timeoutMs ?? 60_000,
      }) as unknown as OpenAIEmbeddingsClient;
    })();
    // A failed setup (no key) is tried again at the next call, after the user fixed it.
    client.catch(() => {
      client = undefined;
    });
    return client;
  };

  const embedder = {
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
      if (text.length === 0) return 0;
      const input = prepare(text);
      return Math.max(input.tokens, input.estimate);
    },

    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<EmbedResult> {
      const dimensions = resolveDimensions();
      if (texts.length === 0) return { vectors: [], tokens: 0, tokensPerInput: [], truncated: 0 };
      if (embedOptions.signal?.aborted)
        throw new AbortedError(`The call to ${id} was aborted before it was sent.`);

      if (texts.length > limits.maxInputsPerCall) {
        throw new LimitExceededError(
          `${id} takes at most ${limits.maxInputsPerCall} inputs per call; got ${texts.length}. Split the call.`,
        );
      }
      const inputs: PreparedInput[] = [];
      let estimate = 0;
      for (const [index, text] of texts.entries()) {
        if (typeof text !== 'string' || text.length === 0) {
          throw new InvalidInputError(
            `Input ${index} is empty; empty texts are never sent to ${id} (skip them before embedding).`,
          );
        }
        const input = prepare(text);
        if (input.tokens > limits.maxTokensPerInput) {
          throw new InputRejectedError(
            `Input ${index} has ${input.tokens} tokens, over the ${limits.maxTokensPerInput}-token limit of ${id} (overlong: 'reject').`,
            {
              inputIndex: index,
            },
          );
        }
        inputs.push(input);
        estimate += Math.max(input.tokens, input.estimate);
      }
      if (estimate > limits.maxTokensPerCall) {
        throw new LimitExceededError(
          `${id} takes at most ${limits.maxTokensPerCall} tokens per call (as countTokens counts them); got ${estimate}. Split the call.`,
        );
      }

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
        const openai = await getClient();
        response = await openai.embeddings.create(request, { signal: embedOptions.signal });
      } catch (error) {
        throw toDriftError(error, {
          model: modelName,
          apiKey: apiKeyUsed ?? options.apiKey,
          aborted: embedOptions.signal?.aborted,
        });
      }

      if (!Array.isArray(response?.data) || response.data.length !== inputs.length) {
        throw new TransientError(
          `${id} answered ${response?.data?.length ?? 'no'} embeddings for ${inputs.length} inputs; the call will be tried again.`,
        );
      }
      const vectors = new Array<Float32Array>(inputs.length);
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
      if (vectors.some((vector) => vector === undefined)) {
        throw new TransientError(
          `${id} answered embeddings with missing or repeated indexes; the call will be tried again.`,
        );
      }
      const realTokens = inputs.map((input) => input.tokens);
      const tokens =
        response.usage?.prompt_tokens ?? realTokens.reduce((sum, count) => sum + count, 0);
      return {
        vectors,
        tokens,
        // Per-input shares of the billed total, weighted by cl100k_base counts, so that
        // the per-embedding costs add up to exactly what the provider reported.
        tokensPerInput: apportion(tokens, realTokens),
        truncated: inputs.filter((input) => input.truncated).length,
      };
    },
  };
  return embedder;
}
