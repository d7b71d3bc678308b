import { randomUUID } from 'node:crypto';
import { DriftError } from '../errors/drift-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidInputError } from '../errors/errors.js';
import { NoChangeFeedError } from '../errors/no-change-feed-error.js';
import { zeroCounters } from '../ledger-support/ledger-support.js';
import type { Source, SourceDescription } from '../spec/source-v1.js';
import { onlyDeletes } from './engine-deletes-only.js';
import { DuplicateKeys, warnDuplicates } from './engine-duplicates.js';
import { ledgerDescribesSink } from './engine-ephemeral.js';
import { execute } from './engine-execute.js';
import { finalizeSink } from './engine-finalize.js';
import { hasUnsettledWrites } from './engine-pending-writes.js';
import { runPipeline } from './engine-pipeline.js';
import { changeItems, scanItems } from './engine-reader.js';
import {
  assertNotRecreated,
  type RecoveryReason,
  recoveryReasonOf,
} from './engine-recovery-need.js';
import { checkpointRef, resumeVersion } from './engine-resume.js';
import { readerContext } from './engine-settings.js';
import { noItems, thenReconcile } from './engine-sink-truth.js';
import { guardPlugins, newRunState, openForRun, prepareRun, scanRowCount } from './engine-start.js';
import type { SyncResult, SyncRunOptions } from './engine-types.js';

/**
 * Applies the source's change feed from `fromVersion` (default: after the checkpoint)
 * to `toVersion` (default: the latest), reduced to the net effect per key. With no
 * checkpoint and no `fromVersion`, bootstraps from a snapshot of the latest version.
 * The checkpoint moves to `toVersion` only when every change was applied and no row
 * failed. Settles like `embed`; a source with no change feed is refused (`NoChangeFeedError`).
 */
export async function sync(input: SyncRunOptions): Promise<SyncResult> {
  const options = guardPlugins(input);
  const { description, settings } = await prepareRun(options);
  assertChangeFeed(options.source, description);
  if (description.latestVersion === undefined && options.toVersion === undefined) {
    throw new InvalidInputError(
      `Source "${options.source.id}" is not versioned, so it cannot be synced; use \`embed\` instead.`,
    );
  }
  const toVersion = options.toVersion ?? (description.latestVersion as number);
  const ref = checkpointRef(options);
  const fromVersion =
    options.fromVersion ??
    (ledgerDescribesSink(options.sink) ? await resumeVersion(options.ledger, ref) : undefined);
  if (fromVersion === undefined && ledgerDescribesSink(options.sink))
    await assertNotRecreated(options.ledger, ref, options.location);
  const runId = options.runId ?? randomUUID();
  // Opened before the "nothing new" answer: a sink that lost its points is repaired even then.
  const loss = await openForRun(options);
  const feedEmpty = fromVersion !== undefined && fromVersion > toVersion;
  // Nothing new: no run is recorded (a watch loop polls often) and no lock is taken, unless
  // a dead run left writes to settle (the run takes the lock to settle them).
  const settleOnly = feedEmpty && !loss;
  if (settleOnly && !(await hasUnsettledWrites(options.ledger, ref.sourceId, ref.sinkId)))
    return upToDate(runId, toVersion);
  const state = newRunState('sync', runId, options, settings, loss);
  const bootstrapped = fromVersion === undefined;
  const sinceVersion = feedEmpty ? toVersion : (fromVersion ?? toVersion);
  const duplicates = new DuplicateKeys();
  const run = execute(
    state,
    {
      fromVersion: sinceVersion,
      toVersion,
      bootstrapped,
      totalRows: bootstrapped ? scanRowCount(description, toVersion) : undefined,
      ...(options.deletesOnly ? { deletesOnly: true } : {}),
    },
    async () => {
      const context = readerContext(state, settings);
      const feed = bootstrapped
        ? scanItems({ ...context, duplicates }, toVersion)
        : feedEmpty
          ? noItems()
          : changeItems(context, sinceVersion, toVersion);
      // The feed says nothing of rows it did not touch: after a loss, reconcile a snapshot too.
      const applied = options.deletesOnly ? onlyDeletes(feed) : feed;
      await runPipeline(
        state,
        state.sinkLoss && !bootstrapped
          ? thenReconcile(state, applied, scanItems(context, toVersion))
          : applied,
      );
      warnDuplicates(state, duplicates);
      if (!state.stopped && state.counters.rowsFailed === 0 && !options.deletesOnly) {
        await options.ledger.setCheckpoint({ ...ref, version: toVersion, runId });
      }
    },
  );
  // Only settling to do, and another run of the pair holds the lock: the writes are its own.
  const result = await run.catch((error: unknown) => {
    if (settleOnly && DriftError.hasCode(error, ErrorCode.Locked)) return undefined;
    throw error;
  });
  if (result === undefined) return upToDate(runId, toVersion);
  await finalizeSink(options, result);
  return {
    ...result,
    duplicateKeys: duplicates.count,
    sinceVersion,
    toVersion,
    upToDate: false,
    bootstrapped,
    ...state.changes,
    ...recoveryOf(state.stopError),
  };
}

/** Refuses a source that keeps no change feed: `sync` follows one, `embed` scans instead. */
export function assertChangeFeed(source: Source, description: SourceDescription): void {
  if (typeof source.changes === 'function' && description.changeFeed !== false) return;
  throw new NoChangeFeedError(
    `Source "${source.id}" has no Change Data Feed, so it cannot be synced: enable it (for a Delta table, ALTER TABLE … SET TBLPROPERTIES (delta.enableChangeDataFeed = true)), or use \`embed\` for a full scan.`,
  );
}

/**
 * The answer when nothing is new. The range is empty; it is reported as the version the
 * sink is at (sinceVersion = toVersion = the table's version, which the checkpoint
 * holds), so since <= to holds.
 */
function upToDate(runId: string, toVersion: number): SyncResult {
  return {
    runId,
    status: 'succeeded',
    ...zeroCounters(),
    durationS: 0,
    failures: [],
    duplicateKeys: 0,
    rowsForgotten: 0,
    rowsSwept: 0,
    sinceVersion: toVersion,
    toVersion,
    upToDate: true,
    bootstrapped: false,
    inserted: 0,
    updated: 0,
    deleted: 0,
  };
}

/** A run the feed could not carry from its checkpoint says which recovery it needs. */
function recoveryOf(error: unknown): { recoveryNeeded?: RecoveryReason } {
  const reason = recoveryReasonOf(error);
  return reason === undefined ? {} : { recoveryNeeded: reason };
}
