import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  type InvokeModelCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import {
  AbortedError,
  type EmbedderLimits,
  type EmbedderPrice,
  type EmbedderV1,
  type EmbedOptions,
  type EmbedResult,
  embedderFingerprint,
  FatalError,
  InvalidInputError,
  LimitExceededError,
  TransientError,
} from '@drift-spark/core';
import { toDriftError } from './bedrock-errors.js';
import {
  type BedrockModelInfo,
  bedrockModelName,
  bedrockModels,
  estimateBedrockTokens,
} from './bedrock-models.js';
import { bedrockPrice } from './bedrock-prices.js';

/** The subset of `BedrockRuntimeClient` Drift uses; inject a real client (any endpoint, credentials) or a fake. */
export interface BedrockRuntimeClientLike {
  send(
    command: InvokeModelCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<InvokeModelCommandOutput>;
}

export type CohereInputType = 'search_document' | 'search_query' | 'classification' | 'clustering';

export interface BedrockEmbedderOptions {
  /** `bedrock/amazon.titan-embed-text-v2:0`, `bedrock/cohere.embed-english-v3`, `bedrock/cohere.embed-multilingual-v3`. */
  model: string;
  /** Default from the AWS default chain (AWS_REGION, the profile), at the first call. */
  region?: string;
  /** An endpoint instead of Bedrock's regional one (a VPC endpoint). */
  endpoint?: string;
  /** A client (or a function that makes one); credentials otherwise come from the AWS default chain. */
  client?:
    | BedrockRuntimeClientLike
    | (() => BedrockRuntimeClientLike | Promise<BedrockRuntimeClientLike>);
  /** Titan v2: 256, 512 or 1024 (default). Cohere v3: 1024. Part of the fingerprint. */
  dimensions?: number;
  /** Titan v2: unit-length vectors. Default true. Part of the fingerprint. */
  normalize?: boolean;
  /** Cohere v3: default `search_document` (what an index stores). Part of the fingerprint. */
  inputType?: CohereInputType;
  /** USD per 1M tokens (or a full price with its source), instead of the list price. */
  price?: number | EmbedderPrice;
  /**
   * Over-long inputs: `truncate` (default) cuts Titan inputs at 50 000 characters and asks
   * Cohere to cut at 512 tokens (`truncate: END`), counting them in `truncated` (for Cohere
   * by estimate); `reject` sends them whole and lets Bedrock refuse them.
   */
  overlong?: 'truncate' | 'reject';
  /** Calls the engine may keep in flight. Default 8. */
  maxConcurrentCalls?: number;
  /** Milliseconds one call may take before it counts as a transient failure. Default 60 000. */
  timeoutMs?: number;
}

const tokenCountHeader = 'x-amzn-bedrock-input-token-count';

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
      if (embedOptions.signal?.aborted)
        throw new AbortedError(`The call to ${id} was aborted before it was sent.`);
      if (texts.length === 0) return { vectors: [], tokens: 0, tokensPerInput: [], truncated: 0 };
      if (texts.length > limits.maxInputsPerCall) {
        throw new LimitExceededError(
          `${id} takes at most ${limits.maxInputsPerCall} input${limits.maxInputsPerCall === 1 ? '' : 's'} per call; got ${texts.length}. Split the call.`,
        );
      }
      for (const [index, text] of texts.entries()) {
        if (typeof text !== 'string' || text.length === 0) {
          throw new InvalidInputError(
            `Input ${index} is empty; empty texts are never sent to ${id} (skip them before embedding).`,
          );
        }
      }

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

      const command = new InvokeModelCommand({
        modelId: modelName,
        contentType: 'application/json',
        accept: 'application/json',
        body: new TextEncoder().encode(JSON.stringify(body)),
      });
      // Bedrock reports the billed input tokens in a response header that the SDK does not
      // model; read it on the way through.
      let headerTokens: number | undefined;
      command.middlewareStack.add(
        (next) => async (args) => {
          const result = await next(args);
          const value = (result.response as { headers?: Record<string, string> } | undefined)
            ?.headers?.[tokenCountHeader];
          if (value !== undefined && Number.isFinite(Number(value))) headerTokens = Number(value);
          return result;
        },
        { step: 'deserialize', name: 'driftInputTokenCount' },
      );

      let output: InvokeModelCommandOutput;
      try {
        output = await (await getClient()).send(command, { abortSignal: embedOptions.signal });
      } catch (error) {
        throw toDriftError(error, {
          model: modelName,
          inputs: texts.length,
          aborted: embedOptions.signal?.aborted,
        });
      }

      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>;
      } catch (error) {
        throw new TransientError(
          `${id} answered a body that is not JSON; the call will be tried again.`,
          { cause: error },
        );
      }

      let vectors: Float32Array[];
      let tokens: number;
      let tokensPerInput: number[];
      if (info.family === 'titan') {
        const embedding = (parsed.embedding ??
          (parsed.embeddingsByType as { float?: unknown } | undefined)?.float) as
          | number[]
          | undefined;
        if (!Array.isArray(embedding))
          throw new TransientError(
            `${id} answered without an embedding; the call will be tried again.`,
          );
        vectors = [Float32Array.from(embedding)];
        const counted =
          typeof parsed.inputTextTokenCount === 'number'
            ? parsed.inputTextTokenCount
            : (headerTokens ?? estimateBedrockTokens(texts[0] as string));
        tokens = counted;
        tokensPerInput = [counted];
      } else {
        const raw = parsed.embeddings;
        const list = (Array.isArray(raw) ? raw : (raw as { float?: unknown } | undefined)?.float) as
          | number[][]
          | undefined;
        if (!Array.isArray(list) || list.length !== texts.length) {
          throw new TransientError(
            `${id} answered ${Array.isArray(list) ? list.length : 'no'} embeddings for ${texts.length} inputs; the call will be tried again.`,
          );
        }
        vectors = list.map((embedding) => Float32Array.from(embedding));
        const estimates = texts.map((text) =>
          Math.min(estimateBedrockTokens(text), info.maxTokensPerInput),
        );
        tokens = headerTokens ?? estimates.reduce((sum, count) => sum + count, 0);
        tokensPerInput = apportion(tokens, estimates);
      }
      for (const vector of vectors) {
        if (vector.length !== dimensions) {
          throw new FatalError(
            `${id} returned vectors of ${vector.length} dimensions, not ${dimensions}.`,
          );
        }
      }
      return { vectors, tokens, tokensPerInput, truncated };
    },
  };
}

/** Splits `total` into integers proportional to `weights` that add up to exactly `total`. */
export function apportion(total: number, weights: number[]): number[] {
  if (weights.length === 0) return [];
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const exact = weights.map((weight) =>
    weightSum === 0 ? total / weights.length : (weight / weightSum) * total,
  );
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((sum, part) => sum + part, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] = (parts[index] as number) + 1;
    left--;
  }
  return parts;
}
