import { withoutInputText } from '../redaction/without-input-text.js';
import type { LedgerBatch } from '../spec/ledger-v1.js';
import type { Point } from '../spec/sink-v1.js';
import { metadataOf } from './engine-items.js';
import type { PreparedBatch } from './engine-prepare.js';
import { withRetry } from './engine-retry.js';
import type { RunState } from './engine-state.js';
import { retryHooks, type VectorOutcome } from './engine-vectors.js';

/**
 * Writes one batch: sink upserts and deletes (acknowledged, split to the sink's
 * limit), then ONE ledger transaction, then the counters. Nothing is written for a
 * batch where every row was unchanged.
 */
export async function writeBatch(
  state: RunState,
  prepared: PreparedBatch,
  outcomes: Map<string, VectorOutcome>,
): Promise<void> {
  const points: Point[] = [];
  const upserts: LedgerBatch['upserts'] = [];
  const failures: LedgerBatch['failures'] = [];
  let embedded = 0;
  let reused = 0;
  let inserted = 0;
  let updated = 0;
  for (const group of prepared.groups) {
    const outcome = outcomes.get(group.hash);
    if (outcome === undefined) continue; // not reached: the run stopped; the next run does it
    if (outcome.kind === 'failed') {
      // The ledger keeps no text: a reason that quotes the input loses the quote.
      const reason = withoutInputText(outcome.reason, group.text);
      for (const item of group.items)
        failures.push({
          sourceId: state.sourceId,
          key: item.key,
          pointId: item.pointId,
          code: outcome.code,
          reason,
          contentHash: group.hash,
          textLength: group.text.length,
        });
      continue;
    }
    let first = true;
    for (const item of group.items) {
      const payer = outcome.paid && first;
      first = false;
      if (payer) embedded++;
      else reused++;
      if (prepared.existing.has(item.pointId)) updated++;
      else inserted++;
      points.push({
        id: item.pointId,
        vector: outcome.vector,
        payload: {
          key: item.key,
          source: state.sourceId,
          content: state.storeContent ? group.text : null,
          content_hash: group.hash,
          model: state.model,
          run_id: state.runId,
          metadata: metadataOf(item.row, state.metadataColumns),
        },
      });
      upserts.push({
        pointId: item.pointId,
        sourceId: state.sourceId,
        key: item.key,
        contentHash: group.hash,
        fingerprint: state.fingerprint,
        model: state.model,
        tokens: payer ? outcome.tokens : 0,
        costUsd: payer ? outcome.costUsd : 0,
      });
    }
  }
  const deletes = prepared.deletes.map((item) => ({
    pointId: item.pointId,
    sourceId: state.sourceId,
    key: item.key,
  }));

  if (points.length > 0 || deletes.length > 0 || failures.length > 0) {
    const hooks = { ...retryHooks(state), signal: state.userSignal };
    for (let start = 0; start < points.length; start += state.maxPointsPerWrite) {
      const chunk =
        points.length <= state.maxPointsPerWrite
          ? points
          : points.slice(start, start + state.maxPointsPerWrite);
      await withRetry(
        () => state.sink.upsert(chunk, { signal: state.userSignal }),
        state.retry,
        hooks,
      );
    }
    for (let start = 0; start < deletes.length; start += state.maxPointsPerWrite) {
      const ids = deletes
        .slice(start, start + state.maxPointsPerWrite)
        .map((entry) => entry.pointId);
      await withRetry(
        () => state.sink.delete(ids, { signal: state.userSignal }),
        state.retry,
        hooks,
      );
    }
    await state.ledger.commitBatch({
      runId: state.runId,
      sinkId: state.sinkId,
      upserts,
      deletes,
      failures,
      at: new Date(),
    });
  }

  const counters = state.counters;
  const reached = embedded + reused + failures.length;
  const unreached = prepared.groups.reduce((sum, group) => sum + group.items.length, 0) - reached;
  counters.rowsProcessed += prepared.rows - unreached;
  counters.rowsDeduped += prepared.deduped;
  counters.rowsSkipped += prepared.skipped;
  counters.rowsEmbedded += embedded;
  counters.rowsReused += reused;
  counters.rowsDeleted += deletes.length;
  state.changes.inserted += inserted;
  // An unchanged upsert (same text) of a change feed is still an update of the net effect.
  state.changes.updated += updated + prepared.unchanged;
  state.changes.deleted += deletes.length;
  for (const failure of failures)
    state.recordFailure({
      key: failure.key,
      pointId: failure.pointId,
      code: failure.code,
      reason: failure.reason,
    });
  state.emit({
    type: 'batch-end',
    runId: state.runId,
    batch: prepared.batch,
    counters: { ...counters },
  });
}
