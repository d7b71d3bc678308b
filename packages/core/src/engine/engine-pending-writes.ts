import { hasPendingWrites } from '../ledger-support/ledger-capabilities.js';
import type { Ledger, LedgerBatch, LivePoint, PendingWriteRecord } from '../spec/ledger-v1.js';
import type { StoredPoint } from '../spec/sink-v1.js';
import { withRetry } from './engine-retry.js';
import type { RunState } from './engine-state.js';
import { retryHooks } from './engine-vectors.js';

/**
 * Notes in the ledger what a batch is about to write to the sink, before it writes it;
 * the batch's commit settles it (`{ settles }`, spread into the ledger batch). A ledger
 * without the pending-write pair notes nothing.
 */
export async function notePendingWrite(
  state: RunState,
  upserts: LedgerBatch['upserts'],
  deletes: LedgerBatch['deletes'],
): Promise<{ settles?: number[] }> {
  const { ledger } = state;
  if (!hasPendingWrites(ledger) || (upserts.length === 0 && deletes.length === 0)) return {};
  const id = await ledger.notePendingWrite({
    runId: state.runId,
    sourceId: state.sourceId,
    sinkId: state.sinkId,
    upserts,
    deletes,
  });
  return { settles: [id] };
}

/** Whether an earlier run of (source, sink) left writes to settle (one ledger query). */
export async function hasUnsettledWrites(
  ledger: Ledger,
  sourceId: string,
  sinkId: string,
): Promise<boolean> {
  return hasPendingWrites(ledger) && (await ledger.pendingWrites(sourceId, sinkId)).length > 0;
}

/**
 * Before a run writes, settles the pending writes an earlier run of the same (source,
 * sink) left: it died (or failed) between writing a batch to the sink and committing it
 * to the ledger. The sink is the truth: a point it holds as the batch wrote it is
 * recorded as the batch meant to (with its cost, under that run); a point it holds
 * otherwise is recorded as it is, at no cost; a point it no longer holds leaves the
 * ledger. The caller holds the (source, sink) lock and has written nothing yet, so every
 * note is a dead run's. Returns the number of writes settled.
 */
export async function settlePendingWrites(state: RunState): Promise<number> {
  const { ledger } = state;
  if (!hasPendingWrites(ledger)) return 0;
  const pending = await ledger.pendingWrites(state.sourceId, state.sinkId);
  let settled = 0;
  for (const write of pending) {
    const ids = [...new Set([...write.upserts, ...write.deletes].map((entry) => entry.pointId))];
    // One batch's points: one read, as the dedup step reads a batch.
    const stored = await withRetry(
      () => state.sink.retrieve(ids, { signal: state.userSignal }),
      state.settings.retry,
      { ...retryHooks(state), signal: state.userSignal },
    );
    const live = await ledger.getPoints(state.sinkId, ids);
    await ledger.commitBatch({
      runId: write.runId,
      sinkId: state.sinkId,
      ...truthOf(write, ids, new Map(stored.map((point) => [point.id, point])), live),
      failures: [],
      at: new Date(),
      settles: [write.id],
    });
    settled++;
  }
  if (settled > 0)
    state.emit({ type: 'pending-writes-settled', runId: state.runId, writes: settled });
  return settled;
}

/** The ledger changes that make it say what the sink holds for the write's points. */
function truthOf(
  write: PendingWriteRecord,
  ids: string[],
  stored: Map<string, StoredPoint>,
  live: Map<string, LivePoint>,
): Pick<LedgerBatch, 'upserts' | 'deletes'> {
  const meant = new Map(write.upserts.map((upsert) => [upsert.pointId, upsert]));
  const upserts: LedgerBatch['upserts'] = [];
  const deletes: LedgerBatch['deletes'] = [];
  for (const id of ids) {
    const point = stored.get(id);
    const known = live.get(id);
    if (!point) {
      if (known) deletes.push({ pointId: id, sourceId: known.sourceId, key: known.key });
      continue;
    }
    const hash = point.payload.content_hash;
    const upsert = meant.get(id);
    if (upsert && hash === upsert.contentHash && point.payload.run_id === write.runId) {
      // Written as the batch meant: recorded as it meant to, unless the ledger has it already.
      if (known?.contentHash !== hash || known.runId !== write.runId) upserts.push(upsert);
      continue;
    }
    if (known?.contentHash === hash) continue;
    const fingerprint = upsert?.fingerprint ?? known?.fingerprint;
    if (fingerprint === undefined) continue;
    upserts.push({
      pointId: id,
      sourceId: point.payload.source,
      key: point.payload.key,
      contentHash: hash,
      fingerprint,
      model: point.payload.model,
      tokens: 0,
      costUsd: 0,
    });
  }
  return { upserts, deletes };
}
