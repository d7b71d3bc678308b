import { hasRetiredVectors } from '../ledger-support/ledger-capabilities.js';
import type { LivePoint, RetiredVector } from '../spec/ledger-v1.js';
import { withRetry } from './engine-retry.js';
import type { RunState } from './engine-state.js';
import { retryHooks } from './engine-vectors.js';

/**
 * Before a batch takes edited chunks (or rows whose old text the run still needs) out of the
 * sink, hands their vectors to the ledger (read back from the sink, the truth), so an edit
 * undone later, or the text arriving at another key, reuses them instead of paying again. Only vectors of this run's model whose point still holds the text the
 * ledger records are kept. Runs before the sink write: a crash after it loses nothing.
 */
export async function retireVectors(state: RunState, retiring: LivePoint[]): Promise<void> {
  const { ledger } = state;
  if (retiring.length === 0 || !hasRetiredVectors(ledger)) return;
  const wanted = retiring.filter((point) => point.fingerprint === state.fingerprint);
  if (wanted.length === 0) return;
  const stored = await withRetry(
    () =>
      state.sink.retrieve(
        wanted.map((point) => point.pointId),
        { withVectors: true, signal: state.userSignal },
      ),
    state.settings.retry,
    // Part of the write: a stop of the run does not cut it short (only the caller's signal).
    { ...retryHooks(state), signal: state.userSignal },
  );
  const byId = new Map(stored.map((point) => [point.id, point]));
  const kept: RetiredVector[] = [];
  for (const point of wanted) {
    const found = byId.get(point.pointId);
    // Only a point that still holds the text the ledger records, at this model's dimensions.
    if (
      found?.vector?.length === state.embedder.dimensions &&
      found.payload.content_hash === point.contentHash
    )
      kept.push({
        sourceId: point.sourceId,
        key: point.key,
        contentHash: point.contentHash,
        fingerprint: point.fingerprint,
        vector: found.vector,
      });
  }
  if (kept.length > 0) await ledger.keepRetiredVectors(state.sinkId, kept);
}
