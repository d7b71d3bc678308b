import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors/errors.js';
import { DuplicateKeys, warnDuplicates } from './engine-duplicates.js';
import { execute } from './engine-execute.js';
import { finalizeSink } from './engine-finalize.js';
import { runPipeline } from './engine-pipeline.js';
import { scanItems } from './engine-reader.js';
import { previousSourceIds, type RecoveryReason } from './engine-recovery-need.js';
import { checkpointRef } from './engine-resume.js';
import { withRetry } from './engine-retry.js';
import { SeenPoints } from './engine-seen-points.js';
import { readerContext } from './engine-settings.js';
import { guardPlugins, newRunState, openForRun, prepareRun, scanRowCount } from './engine-start.js';
import type { RunState } from './engine-state.js';
import { markSeen } from './engine-sweep.js';
import type { SyncResult, SyncRunOptions } from './engine-types.js';
import { retryHooks } from './engine-vectors.js';

export interface RecoverRunOptions extends SyncRunOptions {
  /** Why the state is rebuilt (recorded with the run); default `versions-vacuumed`. */
  reason?: RecoveryReason;
}

export interface RecoverResult extends SyncResult {
  /** The tables that stood at the same location before, whose points were removed. */
  previousSourceIds: string[];
  /** Points removed because their row is no longer in the snapshot (or belonged to a replaced table). */
  pointsSwept: number;
}

/** Points deleted per sink call and ledger transaction while sweeping. */
const sweepBatch = 1000;

/**
 * Rebuilds the state of (source, sink, model) from a snapshot of `toVersion` (default the
 * latest) diffed against the ledger, when the change feed cannot carry it from its
 * checkpoint. Unchanged rows cost nothing (same point and hash: skipped; same text under
 * a replaced table's id: the vector is copied from the sink), changed and new rows are
 * embedded, and points whose row is gone — or that belong to a table the source replaced
 * at the same `location` — are deleted. The checkpoint moves to the snapshot's version
 * when every row was applied. Settles like `sync`.
 *
 * Identity stays as DESIGN §3 says: a recreated table is a new source, so its points get
 * new ids; the old table's vectors are reused by content hash, then its points removed.
 */
export async function recover(input: RecoverRunOptions): Promise<RecoverResult> {
  const options = guardPlugins(input);
  const { description, settings } = await prepareRun(options);
  const toVersion = options.toVersion ?? description.latestVersion;
  if (toVersion === undefined)
    throw new InvalidInputError(
      `Source "${options.source.id}" is not versioned, so there is no checkpoint to recover; use \`embed\`.`,
    );
  const ref = checkpointRef(options);
  const previous = await previousSourceIds(options.ledger, ref, options.location);
  const reason = options.reason ?? (previous.length > 0 ? 'table-recreated' : 'versions-vacuumed');
  const loss = await openForRun(options);
  const state = newRunState('sync', options.runId ?? randomUUID(), options, settings, loss);
  const duplicates = new DuplicateKeys();
  const seen = new SeenPoints();
  let pointsSwept = 0;
  const result = await execute(
    state,
    {
      fromVersion: toVersion,
      toVersion,
      bootstrapped: true,
      recovered: reason,
      totalRows: scanRowCount(description, toVersion),
    },
    async () => {
      const scan = scanItems({ ...readerContext(state, settings), duplicates }, toVersion);
      await runPipeline(state, markSeen(scan, seen));
      warnDuplicates(state, duplicates);
      if (state.stopped) return;
      pointsSwept = await sweep(state, new Set([state.sourceId, ...previous]), seen);
      if (!state.stopped && state.counters.rowsFailed === 0)
        await options.ledger.setCheckpoint({ ...ref, version: toVersion, runId: state.runId });
    },
  );
  await finalizeSink(options, result);
  return {
    ...result,
    duplicateKeys: duplicates.count,
    sinceVersion: toVersion,
    toVersion,
    upToDate: false,
    bootstrapped: true,
    ...state.changes,
    // A snapshot's unchanged rows are not changes of the table (a feed's rewritten rows are).
    updated: Math.max(0, state.changes.updated - state.counters.rowsDeduped),
    previousSourceIds: previous,
    pointsSwept,
  };
}

/**
 * Deletes, from sink and ledger, the points of `sourceIds` that the snapshot did not
 * hold. The sink is scanned (it is the truth of what applications read); the ids are
 * gathered first so the deletes do not move the scan's cursor.
 */
async function sweep(state: RunState, sourceIds: Set<string>, seen: SeenPoints) {
  const stale: { pointId: string; sourceId: string; key: string }[] = [];
  for await (const points of state.sink.scan({ batchSize: sweepBatch, signal: state.signal })) {
    for (const point of points) {
      if (seen.has(point.id) || !sourceIds.has(point.payload.source)) continue;
      stale.push({ pointId: point.id, sourceId: point.payload.source, key: point.payload.key });
    }
  }
  for (let start = 0; start < stale.length && !state.stopped; start += sweepBatch) {
    const deletes = stale.slice(start, start + sweepBatch);
    const ids = deletes.map((entry) => entry.pointId);
    await withRetry(
      () => state.sink.delete(ids, { signal: state.signal }),
      state.settings.retry,
      retryHooks(state),
    );
    await state.ledger.commitBatch({
      runId: state.runId,
      sinkId: state.sinkId,
      upserts: [],
      deletes,
      failures: [],
      at: new Date(),
    });
    state.counters.rowsDeleted += deletes.length;
    state.changes.deleted += deletes.length;
  }
  return stale.length;
}
