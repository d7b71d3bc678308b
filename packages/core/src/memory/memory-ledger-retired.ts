import type { RetiredVectorMethods } from '../ledger-support/ledger-capabilities.js';
import type { RetiredVector } from '../spec/ledger-v1.js';
import { assertOpen, joinKey, type MemoryLedgerState } from './memory-ledger-state.js';

/** How many retired vectors the memory ledger keeps in all; the oldest go first. */
export const memoryRetiredLimit = 10_000;

/**
 * Vectors of edited chunks, kept so a text that comes back reuses its vector. Bounded
 * (`memoryRetiredLimit`); `recordErasure` removes those of an erased key.
 */
export function memoryRetired(state: MemoryLedgerState): RetiredVectorMethods {
  return {
    async keepRetiredVectors(sinkId: string, vectors: RetiredVector[]): Promise<void> {
      assertOpen(state);
      for (const vector of vectors) {
        const id = joinKey(sinkId, vector.fingerprint, vector.contentHash);
        // Kept again: it moves to the newest end.
        state.retired.delete(id);
        state.retired.set(id, { ...vector, vector: Float32Array.from(vector.vector), sinkId });
      }
      for (const id of state.retired.keys()) {
        if (state.retired.size <= memoryRetiredLimit) break;
        state.retired.delete(id);
      }
    },

    async findRetiredVectors(
      sinkId: string,
      fingerprint: string,
      contentHashes: string[],
    ): Promise<Map<string, Float32Array>> {
      assertOpen(state);
      const found = new Map<string, Float32Array>();
      for (const hash of contentHashes) {
        const kept = state.retired.get(joinKey(sinkId, fingerprint, hash));
        if (kept) found.set(hash, Float32Array.from(kept.vector));
      }
      return found;
    },
  };
}
