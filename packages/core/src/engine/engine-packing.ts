import type { EmbedderLimits } from '../spec/embedder-v1.js';

/** One embedder call: indexes into the texts handed to `packCalls`, and the tokens counted for it. */
export interface PackedCall {
  indexes: number[];
  /** Tokens as counted (each input capped at `maxTokensPerInput`). */
  tokens: number;
}

/**
 * Packs texts into calls that respect the embedder's limits: at most
 * `maxInputsPerCall` inputs and `maxTokensPerCall` tokens per call, counting each
 * input at most `maxTokensPerInput` (the embedder truncates or rejects longer ones,
 * so they still go: an over-long text is never dropped silently). Order is kept.
 */
export function packCalls(tokenCounts: readonly number[], limits: EmbedderLimits): PackedCall[] {
  const maxInputs = Math.max(1, Math.floor(limits.maxInputsPerCall));
  const maxTokensPerCall = Math.max(1, limits.maxTokensPerCall);
  const maxTokensPerInput = Math.max(1, limits.maxTokensPerInput);
  const calls: PackedCall[] = [];
  let current: PackedCall = { indexes: [], tokens: 0 };
  for (let index = 0; index < tokenCounts.length; index++) {
    const tokens = Math.min(Math.max(0, tokenCounts[index]!), maxTokensPerInput);
    if (
      current.indexes.length > 0 &&
      (current.indexes.length >= maxInputs || current.tokens + tokens > maxTokensPerCall)
    ) {
      calls.push(current);
      current = { indexes: [], tokens: 0 };
    }
    current.indexes.push(index);
    current.tokens += tokens;
  }
  if (current.indexes.length > 0) calls.push(current);
  return calls;
}

/**
 * Splits a call's billed `tokens` over its inputs in proportion to `weights`
 * (the counted tokens), in whole tokens that add up exactly (largest remainder).
 */
export function apportionTokens(tokens: number, weights: readonly number[]): number[] {
  const count = weights.length;
  if (count === 0) return [];
  const total = weights.reduce((sum, weight) => sum + Math.max(0, weight), 0);
  const shares = weights.map((weight) =>
    total > 0 ? (tokens * Math.max(0, weight)) / total : tokens / count,
  );
  const whole = shares.map((share) => Math.floor(share));
  let rest = Math.round(tokens - whole.reduce((sum, value) => sum + value, 0));
  const order = shares
    .map((share, index) => ({ index, fraction: share - Math.floor(share) }))
    .sort((a, b) => b.fraction - a.fraction);
  for (let position = 0; rest > 0 && count > 0; position = (position + 1) % count, rest--)
    whole[order[position]!.index]!++;
  return whole;
}
