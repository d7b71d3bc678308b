import { AbortedError, InvalidInputError, LimitExceededError } from '../errors/errors.js';
import type { EmbedderLimits, EmbedOptions, EmbedResult } from '../spec/embedder-v1.js';

/**
 * The checks every embedder makes on a call before it sends anything, in one place: the
 * engine's guard runs them, and so does each provider for callers that reach it directly.
 * Refuses an aborted signal (`aborted`), more inputs than `limits.maxInputsPerCall`
 * (`limit-exceeded`) and an empty text (`invalid-input`: callers skip those).
 */
export function checkEmbedInput(
  embedder: { readonly id: string; readonly limits: Pick<EmbedderLimits, 'maxInputsPerCall'> },
  texts: readonly string[],
  options?: EmbedOptions,
): void {
  const { id } = embedder;
  if (options?.signal?.aborted)
    throw new AbortedError(`The call to ${id} was aborted before it was sent.`);
  const most = embedder.limits.maxInputsPerCall;
  if (texts.length > most) {
    throw new LimitExceededError(
      `${id} takes at most ${most} input${most === 1 ? '' : 's'} per call; got ${texts.length}. Split the call.`,
    );
  }
  for (const [index, text] of texts.entries()) {
    if (typeof text !== 'string' || text.length === 0) {
      throw new InvalidInputError(
        `Input ${index} is empty; empty texts are never sent to ${id} (skip them before embedding).`,
      );
    }
  }
}

/** What embedding no text gives: no vectors, no tokens. */
export function emptyEmbedResult(): EmbedResult {
  return { vectors: [], tokens: 0, tokensPerInput: [], truncated: 0 };
}
