import type { Ledger, LivePoint } from '../spec/ledger-v1.js';
import type { Sink, SinkOpenResult } from '../spec/sink-v1.js';
import { type ResolvedRetryOptions, type RetryHooks, withRetry } from './engine-retry.js';
import type { RunState } from './engine-state.js';
import { retryHooks } from './engine-vectors.js';

/** What the sink holds against what the ledger records for it, when the two disagree. */
export interface SinkLoss {
  /** Points in the sink when the run started (0 when `open` created it). */
  sinkPoints: number;
  /** Live points the ledger records for the sink. */
  ledgerPoints: number;
  /** Whether the run's `open` created the table/collection (it did not exist). */
  created: boolean;
}

/**
 * The ledger is trusted to skip rows only while the sink holds what it records: a sink
 * that `open` created, or that holds fewer points than the ledger records for it (a
 * dropped table, a deleted collection, a removed PGlite folder), has lost points, and
 * the run must check each row against the sink itself. The same comparison as
 * `drift status`'s "in step". Undefined when nothing is lost.
 */
export async function findSinkLoss(
  sink: Sink,
  ledger: Ledger,
  opened: SinkOpenResult | undefined,
  signal?: AbortSignal,
): Promise<SinkLoss | undefined> {
  const ledgerPoints = await ledger.countPoints(sink.id);
  if (ledgerPoints === 0) return undefined;
  const created = opened?.created === true;
  const sinkPoints = created ? 0 : await sink.count(signal ? { signal } : {});
  return sinkPoints < ledgerPoints ? { sinkPoints, ledgerPoints, created } : undefined;
}

/** The part of the ledger that the dedup step reads. */
export type DedupLedger = Pick<Ledger, 'getPoints' | 'findByContentHash'>;

/** Points the sink was seen to hold, by content hash, at most this many (bounded memory). */
const heldByHashLimit = 10_000;

/**
 * The ledger as the dedup step sees it once the sink lost points: a live point counts as
 * unchanged only when the sink still holds it with the same content hash and model (it
 * is re-adopted as it is); otherwise it is written again (its vector copied from a point
 * of the same text the sink still holds, or embedded). Its ledger entry stays, so a
 * delete of it still reaches sink and ledger. One sink read per batch.
 */
export function sinkCheckedLedger(
  ledger: Ledger,
  sink: Sink,
  retry: ResolvedRetryOptions,
  hooks: RetryHooks,
): DedupLedger {
  /** Points seen in the sink as the ledger says, by hash: where a lost point's vector can come from. */
  const heldByHash = new Map<string, LivePoint>();
  return {
    async findByContentHash(sinkId, fingerprint, hashes) {
      const found = await ledger.findByContentHash(sinkId, fingerprint, hashes);
      // The ledger may name a point the sink lost: prefer one of the same text seen in the sink.
      for (const hash of found.keys()) {
        const held = heldByHash.get(hash);
        if (held?.fingerprint === fingerprint) found.set(hash, held);
      }
      return found;
    },
    async getPoints(sinkId, pointIds) {
      const live = await ledger.getPoints(sinkId, pointIds);
      if (live.size === 0) return live;
      const stored = await withRetry(
        () => sink.retrieve([...live.keys()], hooks.signal ? { signal: hooks.signal } : {}),
        retry,
        hooks,
      );
      const held = new Map(stored.map((point) => [point.id, point.payload]));
      const checked = new Map<string, LivePoint>();
      for (const [id, point] of live) {
        const payload = held.get(id);
        const same = payload?.content_hash === point.contentHash && payload.model === point.model;
        if (same) {
          heldByHash.delete(point.contentHash);
          heldByHash.set(point.contentHash, point);
          if (heldByHash.size > heldByHashLimit)
            heldByHash.delete(heldByHash.keys().next().value as string);
        }
        // An empty hash matches no text: the row is written again, the entry kept for deletes.
        checked.set(id, same ? point : { ...point, contentHash: '' });
      }
      return checked;
    },
  };
}

/** Makes the run check every row against the sink, after a loss. */
export function checkAgainstSink(state: RunState, loss: SinkLoss | undefined): void {
  if (!loss) return;
  state.sinkLoss = loss;
  state.dedupLedger = sinkCheckedLedger(
    state.ledger,
    state.sink,
    state.settings.retry,
    retryHooks(state),
  );
}

/**
 * Measures the loss again once pending writes were settled: the ledger then says what the
 * sink holds of them, so a sink that looked short only because a dead run's deletes were
 * never recorded is not re-checked row by row. A sink that `open` created stays lost.
 */
export async function recheckSinkLoss(state: RunState): Promise<void> {
  if (!state.sinkLoss || state.sinkLoss.created) return;
  const loss = await findSinkLoss(state.sink, state.ledger, { created: false }, state.userSignal);
  state.sinkLoss = undefined;
  state.dedupLedger = state.ledger;
  checkAgainstSink(state, loss);
}

export async function* noItems(): AsyncGenerator<never> {}

/** The feed's batches, then a snapshot's, marked as a reconcile (not counted in the net effect). */
export async function* thenReconcile<T>(
  state: RunState,
  feed: AsyncIterable<T>,
  snapshot: AsyncIterable<T>,
): AsyncGenerator<T> {
  yield* feed;
  state.reconcileFromBatch = state.batches + 1;
  yield* snapshot;
}
