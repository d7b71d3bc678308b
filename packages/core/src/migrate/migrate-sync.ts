import { resumeVersion } from '../engine/engine-resume.js';
import { sleep } from '../engine/engine-retry.js';
import { embed } from '../engine/engine-run.js';
import { sync } from '../engine/engine-sync.js';
import type { RunOptions, RunResult, SyncResult, SyncRunOptions } from '../engine/engine-types.js';
import { DriftError } from '../errors/drift-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { InvalidInputError } from '../errors/errors.js';
import type { Embedder } from '../spec/embedder-v1.js';
import type { Ledger } from '../spec/ledger-v1.js';
import type { Sink } from '../spec/sink-v1.js';
import { shareChangeFeed } from './shared-change-feed.js';

/** The migration's new side: SINK_B and model B. */
export interface MigrationTarget {
  sink: Sink;
  embedder: Embedder;
  /** Run id for the target's run (so a caller can link it before it starts). */
  runId?: string;
  onEvent?: RunOptions['onEvent'];
}

export interface MigrationSyncOptions extends Omit<SyncRunOptions, 'fromVersion'> {
  target: MigrationTarget;
}

export interface MigrationSyncResult {
  /** SINK_A's run, with model A. */
  live: SyncResult;
  /**
   * SINK_B's run, with model B; undefined when another run held SINK_B (the backfill's
   * catch-up, which brings SINK_B to the table's latest version itself): `targetBusy` names it.
   */
  target?: SyncResult;
  targetBusy?: { runId: string };
}

/**
 * Applies the source's change feed to both sinks of an open migration from ONE read of the
 * feed: SINK_A with model A and SINK_B with model B, each from its own checkpoint to the
 * same version, so they end at the same version (vectors of B never enter A). SINK_B must
 * have been backfilled (`backfillMigration`); SINK_A bootstraps like any `sync` when it has
 * no checkpoint. Rejects with the first error either run rejected with, after both settled,
 * except SINK_B's lock held by another run (see `targetBusy`).
 */
export async function syncMigration(options: MigrationSyncOptions): Promise<MigrationSyncResult> {
  const { target, ...live } = options;
  const description = await live.source.describe(live.signal ? { signal: live.signal } : {});
  const toVersion = live.toVersion ?? description.latestVersion;
  if (toVersion === undefined)
    throw new InvalidInputError(
      `Source "${live.source.id}" is not versioned, so a migration cannot follow it.`,
    );
  const ref = (sink: Sink, embedder: Embedder) => ({
    sourceId: live.source.id,
    sinkId: sink.id,
    fingerprint: embedder.fingerprint,
  });
  const fromLive = await resumeVersion(live.ledger, ref(live.sink, live.embedder));
  const fromTarget = await resumeVersion(live.ledger, ref(target.sink, target.embedder));
  if (fromTarget === undefined)
    throw new InvalidInputError(
      `${target.sink.id} has not been backfilled yet; the migration's backfill fills it and catches it up.`,
    );
  const shared = shareChangeFeed(live.source, {
    fromVersion: Math.min(fromLive ?? fromTarget, fromTarget),
    toVersion,
    consumers: 2,
  });
  const [liveRun, targetRun] = await Promise.allSettled([
    sync({ ...live, source: shared.views[0]!, fromVersion: fromLive, toVersion }).finally(() =>
      shared.release(0),
    ),
    sync({
      ...live,
      source: shared.views[1]!,
      sink: target.sink,
      embedder: target.embedder,
      runId: target.runId,
      onEvent: target.onEvent,
      fromVersion: fromTarget,
      toVersion,
    }).finally(() => shared.release(1)),
  ]);
  const busy =
    targetRun.status === 'rejected' && DriftError.hasCode(targetRun.reason, ErrorCode.Locked)
      ? { runId: (targetRun.reason as { holderRunId?: string }).holderRunId ?? 'unknown' }
      : undefined;
  if (targetRun.status === 'rejected' && !busy) throw targetRun.reason;
  if (liveRun.status === 'rejected') throw liveRun.reason;
  return busy
    ? { live: liveRun.value, targetBusy: busy }
    : { live: liveRun.value, target: (targetRun as PromiseFulfilledResult<SyncResult>).value };
}

export interface BackfillOptions extends RunOptions {
  /** The source version the backfill scans: pinned, so a resumed backfill reads the same rows. */
  version: number;
  /** Run ids for the catch-up runs, in order (so a caller can record them before they start). */
  nextRunId?: () => string | Promise<string>;
}

export interface BackfillResult {
  /** The snapshot run (an embed of `version`). */
  scan: RunResult;
  /** The change-feed runs that followed, up to the table's latest version. */
  catchUp: SyncResult[];
  /** The version SINK_B is at. */
  toVersion: number;
}

/**
 * Fills SINK_B: embeds the snapshot of the pinned `version` through the normal engine
 * (rows already in SINK_B's ledger with the same text and model are not paid again, so a
 * backfill killed and run again pays once), then applies the change feed until SINK_B is
 * at the table's latest version. Stops after the scan when it is not `succeeded`.
 */
export async function backfillMigration(options: BackfillOptions): Promise<BackfillResult> {
  const { version, nextRunId, runId, ...run } = options;
  const scan = await embed({ ...run, version, ...(runId === undefined ? {} : { runId }) });
  const catchUp: SyncResult[] = [];
  let toVersion = version;
  if (scan.status !== 'succeeded') return { scan, catchUp, toVersion };
  for (;;) {
    const next = nextRunId ? await nextRunId() : undefined;
    const result = await whileLocked(run.signal, () =>
      sync({ ...run, ...(next === undefined ? {} : { runId: next }) }),
    );
    toVersion = result.toVersion;
    if (result.upToDate) break;
    catchUp.push(result);
    if (result.status !== 'succeeded') break;
  }
  return { scan, catchUp, toVersion };
}

/**
 * A `drift watch` may be applying a change range to SINK_B (it holds SINK_B's lock) when
 * the backfill wants to catch up: wait for it (it moves SINK_B forward too), up to 2 minutes.
 */
async function whileLocked<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!DriftError.hasCode(error, ErrorCode.Locked) || attempt >= 240) throw error;
      await sleep(500, signal);
    }
  }
}

/**
 * The last source version fully applied to a sink with a model: its checkpoint, else the
 * version its newest successful snapshot run scanned; undefined when neither exists.
 */
export async function appliedVersion(
  ledger: Ledger,
  ref: { sourceId: string; sinkId: string; fingerprint: string },
): Promise<number | undefined> {
  const next = await resumeVersion(ledger, ref);
  return next === undefined ? undefined : next - 1;
}
