import { FatalError, TransientError } from '@drift-spark/core';
import { apportionTokens } from '@drift-spark/core/internal';
import type { BedrockAnswer } from './bedrock-invoke.js';
import { type BedrockModelInfo, estimateBedrockTokens } from './bedrock-models.js';

/** Vectors and token counts read from one answer. */
export interface BedrockVectors {
  vectors: Float32Array[];
  tokens: number;
  tokensPerInput: number[];
}

/** Titan v2: one embedding; tokens from the body, the header, or an estimate. */
function readTitan(id: string, answer: BedrockAnswer, text: string): BedrockVectors {
  const parsed = answer.body;
  const embedding = (parsed.embedding ??
    (parsed.embeddingsByType as { float?: unknown } | undefined)?.float) as number[] | undefined;
  if (!Array.isArray(embedding))
    throw new TransientError(`${id} answered without an embedding; the call will be tried again.`);
  const counted =
    typeof parsed.inputTextTokenCount === 'number'
      ? parsed.inputTextTokenCount
      : (answer.headerTokens ?? estimateBedrockTokens(text));
  return { vectors: [Float32Array.from(embedding)], tokens: counted, tokensPerInput: [counted] };
}

/** Cohere v3: one embedding per text; the header's total split by estimates. */
function readCohere(
  id: string,
  info: BedrockModelInfo,
  answer: BedrockAnswer,
  texts: string[],
): BedrockVectors {
  const raw = answer.body.embeddings;
  const list = (Array.isArray(raw) ? raw : (raw as { float?: unknown } | undefined)?.float) as
    | number[][]
    | undefined;
  if (!Array.isArray(list) || list.length !== texts.length) {
    throw new TransientError(
      `${id} answered ${Array.isArray(list) ? list.length : 'no'} embeddings for ${texts.length} inputs; the call will be tried again.`,
    );
  }
  const estimates = texts.map((text) =>
    Math.min(estimateBedrockTokens(text), info.maxTokensPerInput),
  );
  const tokens = answer.headerTokens ?? estimates.reduce((sum, count) => sum + count, 0);
  return {
    vectors: list.map((embedding) => Float32Array.from(embedding)),
    tokens,
    tokensPerInput: apportionTokens(tokens, estimates),
  };
}

/** The vectors of one answer, each checked to be of `dimensions` floats. */
export function readBedrockVectors(
  id: string,
  info: BedrockModelInfo,
  answer: BedrockAnswer,
  texts: string[],
  dimensions: number,
): BedrockVectors {
  const read =
    info.family === 'titan'
      ? readTitan(id, answer, texts[0]!)
      : readCohere(id, info, answer, texts);
  for (const vector of read.vectors) {
    if (vector.length !== dimensions) {
      throw new FatalError(
        `${id} returned vectors of ${vector.length} dimensions, not ${dimensions}.`,
      );
    }
  }
  return read;
}
