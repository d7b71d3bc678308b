import { DriftError } from '../errors/drift-error.js';
import {
  AbortedError,
  InputRejectedError,
  LimitExceededError,
  RateLimitedError,
} from '../errors/errors.js';
import { checkEmbedInput } from '../guards/embed-input.js';
import { embedderFingerprint } from '../identity/fingerprint.js';
import { hashedFeatureVector, spaceSeed } from '../shadow/feature-hashing.js';
import type {
  EmbedderLimits,
  EmbedderPrice,
  EmbedderV1,
  EmbedResult,
} from '../spec/embedder-v1.js';

export interface RecordingEmbedderOptions {
  /** Default `test/recording`. */
  id?: string;
  /** Default 8. */
  dimensions?: number;
  /** Limits to declare (and enforce); default 16 inputs, 512 tokens per input, 4096 per call, 4 calls. */
  limits?: Partial<EmbedderLimits>;
  /** Default $0.02 per million tokens, source `test`. */
  price?: EmbedderPrice;
  /**
   * An error for an input that must fail, or undefined. The whole call fails with it;
   * an `input-rejected` error without an index gets the input's index.
   */
  failOn?: (text: string) => Error | undefined;
  /** The first N calls fail with a rate-limited error. */
  rateLimitTimes?: number;
  /** The retry-after of those errors, in ms. */
  retryAfterMs?: number;
  /** Wait this long in each call (to have calls in flight together). */
  delayMs?: number;
}

export interface RecordedCall {
  texts: string[];
  /** `ok`, or the code of the error the call failed with. */
  outcome: string;
}

export interface RecordingEmbedder extends EmbedderV1 {
  /** Every call, in call order, failed ones included. */
  readonly calls: RecordedCall[];
  /** Texts of the calls that succeeded, in order. */
  embeddedTexts(): string[];
  /** Most calls that were in flight at once. */
  readonly maxInFlight: number;
  /** Forgets the recorded calls. */
  reset(): void;
}

/**
 * A deterministic embedder for tests that records every call and fails on demand:
 * meaningful vectors (the shadow embedder's features), ceil(chars/4) tokens, declared
 * limits enforced like a real provider, rate limits for the first N calls, and chosen
 * inputs rejected.
 */
export function createRecordingEmbedder(options: RecordingEmbedderOptions = {}): RecordingEmbedder {
  const id = options.id ?? 'test/recording';
  const dimensions = options.dimensions ?? 8;
  const limits: EmbedderLimits = {
    maxInputsPerCall: 16,
    maxTokensPerInput: 512,
    maxTokensPerCall: 4096,
    maxConcurrentCalls: 4,
    ...options.limits,
  };
  const seed = spaceSeed(id, dimensions);
  const countTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));
  const calls: RecordedCall[] = [];
  let rateLimitsLeft = options.rateLimitTimes ?? 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const run = async (texts: string[], signal: AbortSignal | undefined): Promise<EmbedResult> => {
    checkEmbedInput({ id, limits }, texts, { signal });
    const tokensPerInput = texts.map(countTokens);
    const tokens = tokensPerInput.reduce((total, count) => total + count, 0);
    if (tokens > limits.maxTokensPerCall) {
      throw new LimitExceededError(
        `${tokens} tokens in one call; ${id} takes at most ${limits.maxTokensPerCall}.`,
      );
    }
    if (options.delayMs) await sleep(options.delayMs, signal);
    if (rateLimitsLeft > 0) {
      rateLimitsLeft--;
      throw new RateLimitedError(`${id} is rate limited; try again later.`, {
        ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      });
    }
    for (let index = 0; index < texts.length; index++) {
      const text = texts[index]!;
      if (tokensPerInput[index]! > limits.maxTokensPerInput) {
        throw new InputRejectedError(
          `Input ${index} has ${tokensPerInput[index]} tokens; ${id} takes at most ${limits.maxTokensPerInput}.`,
          {
            inputIndex: index,
          },
        );
      }
      const failure = options.failOn?.(text);
      if (failure) {
        if (
          DriftError.hasCode(failure, 'input-rejected') &&
          (failure as InputRejectedError).inputIndex === undefined
        ) {
          throw new InputRejectedError(failure.message, { inputIndex: index, cause: failure });
        }
        throw failure;
      }
    }
    const vectors = texts.map((text) =>
      hashedFeatureVector(text, seed, new Float32Array(dimensions)),
    );
    return { vectors, tokens, tokensPerInput };
  };

  return {
    specificationVersion: 'v1',
    id,
    dimensions,
    fingerprint: embedderFingerprint(id, dimensions),
    limits,
    price: options.price ?? { usdPerMillionTokens: 0.02, source: 'test' },
    countTokens,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    embeddedTexts() {
      return calls.filter((call) => call.outcome === 'ok').flatMap((call) => call.texts);
    },
    reset() {
      calls.length = 0;
      maxInFlight = 0;
    },
    async embed(texts, embedOptions) {
      const call: RecordedCall = { texts: [...texts], outcome: 'pending' };
      calls.push(call);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const result = await run(texts, embedOptions?.signal);
        call.outcome = 'ok';
        return result;
      } catch (error) {
        call.outcome = DriftError.isInstance(error) ? error.code : 'error';
        throw error;
      } finally {
        inFlight--;
      }
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
