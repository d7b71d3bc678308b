import { InputRejectedError, InvalidInputError, LimitExceededError } from '../errors/errors.js';
import { checkEmbedInput } from '../guards/embed-input.js';
import { embedderFingerprint } from '../identity/fingerprint.js';
import type {
  EmbedderLimits,
  EmbedderPrice,
  EmbedderV1,
  EmbedOptions,
  EmbedResult,
} from '../spec/embedder-v1.js';
import { hashedFeatureVector, spaceSeed } from './feature-hashing.js';
import { knownDimensions, knownModelDimensions } from './known-models.js';

/** The model a shadow embedder stands in for, and its size when the model is not a known one. */
export interface ShadowEmbedderOptions {
  /** The model to stand in for, `provider/model`; also the seed of the vector space. */
  model: string;
  /** Needed for models not in the known table; overrides the table otherwise. */
  dimensions?: number;
  /** Limits to declare (default: 2048 inputs, 8192 tokens per input, 300000 per call, 4 calls). */
  limits?: Partial<EmbedderLimits>;
  /** How to count tokens; default `ceil(characters / 4)`. */
  countTokens?: (text: string) => number;
}

export const shadowPrice: EmbedderPrice = Object.freeze({
  usdPerMillionTokens: 0,
  source: 'shadow',
});

export const defaultShadowLimits: EmbedderLimits = Object.freeze({
  maxInputsPerCall: 2048,
  maxTokensPerInput: 8192,
  maxTokensPerCall: 300_000,
  maxConcurrentCalls: 4,
});

/** A cheap token estimate: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The fingerprint of shadow vectors for a model and dimension. */
export function shadowFingerprint(model: string, dimensions: number): string {
  return `shadow:${embedderFingerprint(model, dimensions)}`;
}

/**
 * An embedder that needs no key and costs $0: deterministic unit vectors of the named
 * model's dimension, from hashed word and character n-grams, so texts sharing words are
 * near each other. Each model name seeds its own space. Lazy: an unknown model without
 * `dimensions` is reported on first use, not at construction.
 */
export function createShadowEmbedder(options: ShadowEmbedderOptions): EmbedderV1 {
  const limits: EmbedderLimits = { ...defaultShadowLimits, ...options.limits };
  const countTokens = options.countTokens ?? estimateTokens;
  let resolved: { dimensions: number; seed: number; fingerprint: string } | undefined;
  const resolve = () => {
    if (resolved) return resolved;
    const dimensions = options.dimensions ?? knownDimensions(options.model);
    if (dimensions === undefined) {
      throw new InvalidInputError(
        `Shadow mode does not know the dimension of "${options.model}". Pass dimensions (e.g. { dimensions: 768 }); known models: ${Object.keys(knownModelDimensions).join(', ')}.`,
      );
    }
    if (!Number.isInteger(dimensions) || dimensions <= 0 || dimensions > 65_536) {
      throw new InvalidInputError(
        `Shadow mode needs an integer dimension from 1 to 65536, got ${dimensions}.`,
      );
    }
    resolved = {
      dimensions,
      seed: spaceSeed(options.model, dimensions),
      fingerprint: shadowFingerprint(options.model, dimensions),
    };
    return resolved;
  };

  return {
    specificationVersion: 'v1',
    id: options.model,
    get dimensions() {
      return resolve().dimensions;
    },
    get fingerprint() {
      return resolve().fingerprint;
    },
    limits,
    price: shadowPrice,
    countTokens,
    async embed(texts: string[], embedOptions?: EmbedOptions): Promise<EmbedResult> {
      checkEmbedInput({ id: options.model, limits }, texts, embedOptions);
      const { dimensions, seed } = resolve();
      const tokensPerInput = new Array<number>(texts.length);
      let tokens = 0;
      for (let index = 0; index < texts.length; index++) {
        const count = countTokens(texts[index]!);
        if (count > limits.maxTokensPerInput) {
          throw new InputRejectedError(
            `Input ${index} has about ${count} tokens; ${options.model} takes at most ${limits.maxTokensPerInput} per input. Shorten or split the text.`,
            { inputIndex: index },
          );
        }
        tokensPerInput[index] = count;
        tokens += count;
      }
      if (tokens > limits.maxTokensPerCall) {
        throw new LimitExceededError(
          `${tokens} tokens in one call; ${options.model} takes at most ${limits.maxTokensPerCall}. Split the call.`,
        );
      }
      const vectors = texts.map((text) =>
        hashedFeatureVector(text, seed, new Float32Array(dimensions)),
      );
      return { vectors, tokens, tokensPerInput };
    },
  };
}
