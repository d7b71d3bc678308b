import { withoutInputText } from '../redaction/without-input-text.js';
import type { LedgerBatch } from '../spec/ledger-v1.js';
import type { Point } from '../spec/sink-v1.js';
import { chunkMetadata } from './engine-chunks.js';
import type { WorkItem } from './engine-items.js';
import { metadataOf } from './engine-items.js';
import { notePendingWrite } from './engine-pending-writes.js';
import type { PreparedBatch } from './engine-prepare.js';
import { retireVectors } from './engine-retire.js';
import type { RunState } from './engine-state.js';
import type { VectorOutcome } from './engine-vectors.js';
import { deletePoints, upsertPoints } from './engine-write-sink.js';

/** One row to write: its point, and the text group it shares a vector with. */
interface Write {
  item: WorkItem;
  point: Point;
  group: string;
  text: string;
  outcome: Extract<VectorOutcome, { kind: 'vector' }>;
}

/**
 * Writes one batch: what it is about to write noted in the ledger (a pending write), the
 * sink's deletes (on their own, so a failing upsert never holds them back), its upserts
 * (a point the sink refuses fails alone), then ONE ledger transaction that settles the
 * pending write, then the counters. Nothing is written for a batch where every row was
 * unchanged. If the upserts fail whole, the deletes are still committed before the error
 * goes on.
 */
export async function writeBatch(
  state: RunState,
  prepared: PreparedBatch,
  outcomes: Map<string, VectorOutcome>,
): Promise<void> {
  const writes: Write[] = [];
  const failures: LedgerBatch['failures'] = [];
  for (const group of prepared.groups) {
    const outcome = outcomes.get(group.hash);
    if (outcome === undefined) continue; // not reached: the run stopped; the next run does it
    for (const item of group.items) {
      if (outcome.kind === 'failed') {
        failures.push(failure(state, item, outcome.code, outcome.reason, group.text, group.hash));
        continue;
      }
      writes.push({
        item,
        point: pointOf(state, item, group.text, group.hash, outcome),
        group: group.hash,
        text: group.text,
        outcome,
      });
    }
  }
  const deletes = prepared.deletes.map((item) => ({
    pointId: item.pointId,
    sourceId: state.sourceId,
    key: item.key,
  }));

  let written = writes;
  if (writes.length > 0 || deletes.length > 0 || failures.length > 0) {
    await retireVectors(state, prepared.retiring);
    const meant = ledgerUpserts(state, writes);
    const settles = await notePendingWrite(state, meant, deletes);
    await deletePoints(
      state,
      deletes.map((entry) => entry.pointId),
    );
    let rejected: Map<string, { code: string; reason: string }>;
    try {
      rejected = await upsertPoints(
        state,
        writes.map((write) => write.point),
      );
    } catch (error) {
      if (deletes.length > 0) {
        await state.ledger.commitBatch(ledgerBatch(state, [], deletes, []));
        countDeletes(state, deletes.length);
      }
      throw error;
    }
    if (rejected.size > 0) {
      written = writes.filter((write) => !rejected.has(write.point.id));
      for (const write of writes) {
        const refused = rejected.get(write.point.id);
        if (refused)
          failures.push(
            failure(state, write.item, refused.code, refused.reason, write.text, write.group),
          );
      }
    }
    await state.ledger.commitBatch({
      // A refused point passes its cost on to another row of its text: computed again then.
      ...ledgerBatch(
        state,
        written === writes ? meant : ledgerUpserts(state, written),
        deletes,
        failures,
      ),
      ...settles,
    });
  }
  countBatch(state, prepared, written, failures, deletes.length);
}

function pointOf(
  state: RunState,
  item: WorkItem,
  text: string,
  hash: string,
  outcome: Extract<VectorOutcome, { kind: 'vector' }>,
): Point {
  return {
    id: item.pointId,
    vector: outcome.vector,
    payload: {
      key: item.key,
      source: state.sourceId,
      content: state.settings.storeContent ? text : null,
      content_hash: hash,
      model: state.model,
      run_id: state.runId,
      metadata: chunkMetadata(metadataOf(item.row, state.settings.metadataColumns), item.chunk),
    },
  };
}

function failure(
  state: RunState,
  item: WorkItem,
  code: string,
  reason: string,
  text: string,
  hash: string,
): LedgerBatch['failures'][number] {
  // The ledger keeps no text: a reason that quotes the input loses the quote.
  return {
    sourceId: state.sourceId,
    key: item.key,
    pointId: item.pointId,
    code,
    reason: withoutInputText(reason, text),
    contentHash: hash,
    textLength: text.length,
  };
}

/**
 * The ledger's points for the rows written. A paid vector is recorded once, on the first
 * written row of its text (the others reused it); so a paid row the sink refused passes
 * its cost to a row of the same text that was written.
 */
function ledgerUpserts(state: RunState, written: Write[]): LedgerBatch['upserts'] {
  const paidFor = new Set<string>();
  return written.map(({ item, group, outcome }) => {
    const payer = outcome.paid && !paidFor.has(group);
    if (payer) paidFor.add(group);
    return {
      pointId: item.pointId,
      sourceId: state.sourceId,
      key: item.key,
      contentHash: group,
      fingerprint: state.fingerprint,
      model: state.model,
      tokens: payer ? outcome.tokens : 0,
      costUsd: payer ? outcome.costUsd : 0,
    };
  });
}

function ledgerBatch(
  state: RunState,
  upserts: LedgerBatch['upserts'],
  deletes: LedgerBatch['deletes'],
  failures: LedgerBatch['failures'],
): LedgerBatch {
  return { runId: state.runId, sinkId: state.sinkId, upserts, deletes, failures, at: new Date() };
}

function countDeletes(state: RunState, deleted: number): void {
  state.counters.rowsDeleted += deleted;
  state.changes.deleted += deleted;
}

function countBatch(
  state: RunState,
  prepared: PreparedBatch,
  written: Write[],
  failures: LedgerBatch['failures'],
  deleted: number,
): void {
  const counters = state.counters;
  const paidFor = new Set<string>();
  let embedded = 0;
  let inserted = 0;
  let updated = 0;
  for (const { item, group, outcome } of written) {
    if (outcome.paid && !paidFor.has(group)) {
      paidFor.add(group);
      embedded++;
    }
    if (prepared.existing.has(item.pointId)) updated++;
    else inserted++;
  }
  const reached = written.length + failures.length;
  const unreached = prepared.groups.reduce((sum, group) => sum + group.items.length, 0) - reached;
  counters.rowsProcessed += prepared.rows - unreached;
  counters.rowsDeduped += prepared.deduped;
  counters.rowsSkipped += prepared.skipped;
  state.forgotten += prepared.forgotten;
  counters.rowsEmbedded += embedded;
  counters.rowsReused += written.length - embedded;
  countDeletes(state, deleted);
  // A reconcile after a sink lost points is a repair, not a change of the table.
  if (prepared.batch < state.reconcileFromBatch) {
    state.changes.inserted += inserted;
    // An unchanged upsert (same text) of a change feed is still an update of the net effect.
    state.changes.updated += updated + prepared.unchanged;
  }
  for (const entry of failures)
    state.recordFailure({
      key: entry.key,
      pointId: entry.pointId,
      code: entry.code,
      reason: entry.reason,
    });
  state.emit({
    type: 'batch-end',
    runId: state.runId,
    batch: prepared.batch,
    counters: { ...counters },
  });
}
