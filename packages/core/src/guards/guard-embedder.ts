import { AbortedError, FatalError, InvalidInputError } from '../errors/errors.js';
import { assertSpecificationVersion } from '../spec/assert-specification.js';
import type { Embedder, EmbedderV1, EmbedResult } from '../spec/embedder-v1.js';
import { checkEmbedInput } from './embed-input.js';
import { isGuarded, markGuarded } from './guard-marker.js';
import { createLimiter } from './limiter.js';

/**
 * The embedder as the engine uses it: checked specification version and limits; at
 * most `limits.maxConcurrentCalls` calls at once (one at a time when it says 1); a call
 * over `maxInputsPerCall`, or with an empty text, refused before it reaches the plugin; and a result that does
 * not hold one vector of `dimensions` floats per input refused as a plugin bug.
 */
export function guardEmbedder(embedder: Embedder): EmbedderV1 {
  if (isGuarded(embedder)) return embedder;
  assertSpecificationVersion(embedder, 'embedder');
  const limits = embedder.limits;
  for (const name of ['maxInputsPerCall', 'maxConcurrentCalls'] as const) {
    if (!Number.isInteger(limits?.[name]) || limits[name] < 1) {
      throw new InvalidInputError(
        `The embedder ${embedder.id} declares limits.${name} = ${limits?.[name]}; it must be a positive integer.`,
      );
    }
  }
  for (const name of ['maxTokensPerInput', 'maxTokensPerCall'] as const) {
    if (!(typeof limits[name] === 'number' && limits[name] >= 1)) {
      throw new InvalidInputError(
        `The embedder ${embedder.id} declares limits.${name} = ${limits[name]}; it must be a positive number.`,
      );
    }
  }
  const limiter = createLimiter(limits.maxConcurrentCalls);

  return markGuarded<EmbedderV1>({
    specificationVersion: 'v1',
    get id() {
      return embedder.id;
    },
    get dimensions() {
      return embedder.dimensions;
    },
    get fingerprint() {
      return embedder.fingerprint;
    },
    get limits() {
      return embedder.limits;
    },
    get price() {
      return embedder.price;
    },
    countTokens(text) {
      return embedder.countTokens(text);
    },
    async embed(texts, options) {
      checkEmbedInput(embedder, texts, options);
      return limiter.run(async () => {
        if (options?.signal?.aborted) throw new AbortedError();
        const result = await embedder.embed(texts, options);
        return checkResult(embedder, texts.length, result);
      });
    },
  });
}

function checkResult(embedder: Embedder, inputs: number, result: EmbedResult): EmbedResult {
  const bug = (what: string): never => {
    throw new FatalError(
      `The embedder ${embedder.id} ${what}; this is a bug in the embedder plugin.`,
    );
  };
  if (!result || !Array.isArray(result.vectors)) bug('returned no vectors array');
  if (result.vectors.length !== inputs)
    bug(`returned ${result.vectors.length} vectors for ${inputs} inputs`);
  const dimensions = embedder.dimensions;
  for (let index = 0; index < inputs; index++) {
    const vector = result.vectors[index];
    if (!(vector instanceof Float32Array))
      bug(`returned input ${index}'s vector as something else than a Float32Array`);
    if (vector!.length !== dimensions) {
      bug(
        `returned a ${vector!.length}-dimensional vector for input ${index}; it declares ${dimensions}`,
      );
    }
  }
  if (
    !(typeof result.tokens === 'number' && Number.isFinite(result.tokens) && result.tokens >= 0)
  ) {
    bug(`returned tokens = ${result.tokens}`);
  }
  return result;
}
