import { DriftError } from '../errors/drift-error.js';
import { CostLimitError, ErrorCode, type InputRejectedError } from '../errors/index.js';
import type { EmbedResult } from '../spec/embedder-v1.js';
import { apportionTokens, packCalls } from './engine-packing.js';
import type { PreparedBatch, TextGroup } from './engine-prepare.js';
import { retryDelayMs, withRetry } from './engine-retry.js';
import type { RunState } from './engine-state.js';
import { invalidVector } from './engine-vector-check.js';

/** The vector for one distinct text of a batch, or why it has none. */
export type VectorOutcome =
  | { kind: 'vector'; vector: Float32Array; tokens: number; costUsd: number; paid: boolean }
  | { kind: 'failed'; code: string; reason: string };

/**
 * Vectors for a batch's distinct texts: copied from the sink where the same text is
 * already embedded, embedded otherwise. Texts left without an outcome were not
 * reached because the run stopped (cost limit, fatal error, abort).
 */
export async function resolveVectors(
  state: RunState,
  prepared: PreparedBatch,
): Promise<Map<string, VectorOutcome>> {
  const outcomes = new Map<string, VectorOutcome>();
  if (prepared.groups.length === 0) return outcomes;
  let toEmbed: TextGroup[] = takeRetired(state, prepared.groups, outcomes);
  try {
    toEmbed = await reuseVectors(state, toEmbed, outcomes);
  } catch (error) {
    state.stop(error, 'embed');
    return outcomes;
  }
  if (toEmbed.length > 0 && !state.stopped) await embedGroups(state, toEmbed, outcomes);
  return outcomes;
}

/** Texts that came back after an edit: the vectors the ledger kept. Returns the other groups. */
function takeRetired(
  state: RunState,
  groups: TextGroup[],
  outcomes: Map<string, VectorOutcome>,
): TextGroup[] {
  const rest: TextGroup[] = [];
  for (const group of groups) {
    if (group.retired?.length === state.embedder.dimensions) {
      const vector = group.retired;
      outcomes.set(group.hash, { kind: 'vector', vector, tokens: 0, costUsd: 0, paid: false });
    } else {
      rest.push(group);
    }
  }
  return rest;
}

/** Copies vectors from the sink; returns the groups still to embed (missing or changed in the sink). */
async function reuseVectors(
  state: RunState,
  groups: TextGroup[],
  outcomes: Map<string, VectorOutcome>,
): Promise<TextGroup[]> {
  const candidates = groups.filter((group) => group.reuseFrom !== undefined);
  if (candidates.length === 0) return groups;
  const ids = [...new Set(candidates.map((group) => group.reuseFrom!.pointId))];
  const stored = await withRetry(
    () => state.sink.retrieve(ids, { withVectors: true, signal: state.signal }),
    state.settings.retry,
    retryHooks(state),
  );
  const byId = new Map(stored.map((point) => [point.id, point]));
  const rest: TextGroup[] = [];
  for (const group of groups) {
    const point = group.reuseFrom ? byId.get(group.reuseFrom.pointId) : undefined;
    // The sink is the truth: a point rewritten since the ledger lookup no longer holds this text.
    if (
      point?.vector &&
      point.payload.content_hash === group.hash &&
      point.vector.length === state.embedder.dimensions
    ) {
      outcomes.set(group.hash, {
        kind: 'vector',
        vector: point.vector,
        tokens: 0,
        costUsd: 0,
        paid: false,
      });
    } else {
      rest.push(group);
    }
  }
  return rest;
}

export function retryHooks(state: RunState) {
  return {
    signal: state.signal,
    onRetry: ({
      attempt,
      delayMs,
      error,
    }: {
      attempt: number;
      delayMs: number;
      error: unknown;
    }) => {
      const code = DriftError.isInstance(error) ? error.code : 'unknown';
      const reason = error instanceof Error ? error.message : String(error);
      state.emit({ type: 'retry-wait', runId: state.runId, attempt, delayMs, code, reason });
    },
  };
}

/** Embeds distinct texts, packed to the embedder's limits, calls in flight up to the adaptive limit. */
async function embedGroups(
  state: RunState,
  groups: TextGroup[],
  outcomes: Map<string, VectorOutcome>,
): Promise<void> {
  const { embedder } = state;
  const counted = groups.map((group) =>
    Math.min(Math.max(0, embedder.countTokens(group.text)), embedder.limits.maxTokensPerInput),
  );
  const calls = packCalls(counted, embedder.limits);
  await Promise.all(
    calls.map((call) =>
      embedIndexes(state, groups, counted, call.indexes, outcomes).catch((error: unknown) => {
        state.stop(error, 'embed');
      }),
    ),
  );
}

/** One packed call; an input the provider rejects fails alone (by its index, or by bisecting). */
async function embedIndexes(
  state: RunState,
  groups: TextGroup[],
  counted: number[],
  indexes: number[],
  outcomes: Map<string, VectorOutcome>,
): Promise<void> {
  if (state.stopped) return;
  try {
    const texts = indexes.map((index) => groups[index]!.text);
    const weights = indexes.map((index) => counted[index]!);
    const result = await callEmbedder(state, texts, weights);
    const tokens = tokensPerInput(result, weights);
    for (let position = 0; position < indexes.length; position++) {
      const group = groups[indexes[position]!]!;
      const inputTokens = tokens[position]!;
      const vector = result.vectors[position]!;
      const invalid = invalidVector(vector, state.embedder.id);
      outcomes.set(
        group.hash,
        invalid
          ? { kind: 'failed', code: invalid.code, reason: invalid.message }
          : {
              kind: 'vector',
              vector,
              tokens: inputTokens,
              costUsd: inputTokens * state.usdPerToken,
              paid: true,
            },
      );
    }
  } catch (error) {
    if (state.stopped) throw error;
    // Packed from our token counts, the call was still too big for the provider: split it.
    if (DriftError.hasCode(error, ErrorCode.LimitExceeded)) {
      if (indexes.length === 1) {
        outcomes.set(groups[indexes[0]!]!.hash, {
          kind: 'failed',
          code: error.code,
          reason: error.message,
        });
        return;
      }
      const middle = indexes.length >> 1;
      await Promise.all([
        embedIndexes(state, groups, counted, indexes.slice(0, middle), outcomes),
        embedIndexes(state, groups, counted, indexes.slice(middle), outcomes),
      ]);
      return;
    }
    if (!DriftError.hasCode(error, ErrorCode.InputRejected)) throw error;
    const rejected = error as InputRejectedError;
    if (indexes.length === 1) {
      outcomes.set(groups[indexes[0]!]!.hash, {
        kind: 'failed',
        code: rejected.code,
        reason: rejected.message,
      });
      return;
    }
    const at = rejected.inputIndex;
    if (typeof at === 'number' && Number.isInteger(at) && at >= 0 && at < indexes.length) {
      outcomes.set(groups[indexes[at]!]!.hash, {
        kind: 'failed',
        code: rejected.code,
        reason: rejected.message,
      });
      await embedIndexes(
        state,
        groups,
        counted,
        indexes.filter((_, position) => position !== at),
        outcomes,
      );
      return;
    }
    const middle = indexes.length >> 1;
    await Promise.all([
      embedIndexes(state, groups, counted, indexes.slice(0, middle), outcomes),
      embedIndexes(state, groups, counted, indexes.slice(middle), outcomes),
    ]);
  }
}

/** One embedder call through the retry loop and the adaptive limiter, checked against the cost limit. */
async function callEmbedder(
  state: RunState,
  texts: string[],
  weights: number[],
): Promise<EmbedResult> {
  const estimateTokens = weights.reduce((sum, weight) => sum + weight, 0);
  const estimateUsd = estimateTokens * state.usdPerToken;
  const result = await withRetry(
    async (attempt) => {
      if (
        state.settings.maxCostUsd !== undefined &&
        state.counters.costUsd + state.reservedCostUsd + estimateUsd > state.settings.maxCostUsd
      ) {
        throw new CostLimitError(
          `Stopped before spending more than $${state.settings.maxCostUsd}: $${state.counters.costUsd.toFixed(6)} spent, the next call would cost about $${estimateUsd.toFixed(6)}. Raise \`maxCostUsd\` to go on; what was done is kept and the next run starts where this one stopped.`,
        );
      }
      // Reserved before the first await, so calls started together cannot all pass the check.
      state.reservedCostUsd += estimateUsd;
      try {
        const generation = await state.limiter.acquire(state.signal, estimateTokens);
        try {
          // A call that was sent is paid for: a stop of the run does not abort it (only the
          // caller's signal does), so its vectors are recorded and written like the others.
          const response = await state.embedder.embed(
            texts,
            state.userSignal ? { signal: state.userSignal } : {},
          );
          // Paced in the same unit it is measured in: our own token counts.
          state.limiter.succeeded(estimateTokens);
          return response;
        } catch (error) {
          // Holds every new call until the provider's retry-after (or the backoff) has passed.
          if (DriftError.hasCode(error, ErrorCode.RateLimited))
            state.limiter.rateLimited(
              generation,
              retryDelayMs(error, attempt, state.settings.retry),
            );
          throw error;
        } finally {
          state.limiter.release();
        }
      } finally {
        state.reservedCostUsd -= estimateUsd;
      }
    },
    state.settings.retry,
    retryHooks(state),
  );
  // The guarded embedder has already refused a result without one vector of `dimensions` per input.
  const costUsd = result.tokens * state.usdPerToken;
  state.counters.tokens += result.tokens;
  state.counters.costUsd += costUsd;
  state.emit({
    type: 'embed-call',
    runId: state.runId,
    inputs: texts.length,
    tokens: result.tokens,
  });
  return result;
}

function tokensPerInput(result: EmbedResult, weights: number[]): number[] {
  const given = result.tokensPerInput;
  if (
    Array.isArray(given) &&
    given.length === weights.length &&
    given.reduce((sum, value) => sum + value, 0) === result.tokens
  )
    return given;
  return apportionTokens(result.tokens, weights);
}
