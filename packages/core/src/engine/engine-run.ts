import { randomUUID } from 'node:crypto';
import { DriftError } from '../errors/drift-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { AbortedError, InvalidInputError } from '../errors/errors.js';
import { guardEmbedder, guardLedger, guardSink, guardSource } from '../guards/index.js';
import { zeroCounters } from '../ledger-support/ledger-support.js';
import type { CheckpointRef, Ledger, RunKind } from '../spec/ledger-v1.js';
import type { SinkOpenResult } from '../spec/sink-v1.js';
import type { SourceDescription } from '../spec/source-v1.js';
import { onlyDeletes } from './engine-deletes-only.js';
import { DuplicateKeys } from './engine-duplicates.js';
import { ledgerDescribesSink } from './engine-ephemeral.js';
import { runPipeline } from './engine-pipeline.js';
import { changeItems, type ReaderContext, scanItems } from './engine-reader.js';
import {
  assertNotRecreated,
  type RecoveryReason,
  recoveryReasonOf,
} from './engine-recovery-need.js';
import { throwIfAborted } from './engine-retry.js';
import { SeenPoints } from './engine-seen-points.js';
import {
  checkAgainstSink,
  findSinkLoss,
  noItems,
  type SinkLoss,
  thenReconcile,
} from './engine-sink-truth.js';
import { RunState } from './engine-state.js';
import { markSeen, maySweep, sweepUnseen } from './engine-sweep.js';
import type {
  EmbedRunOptions,
  RunOptions,
  RunResult,
  SyncResult,
  SyncRunOptions,
} from './engine-types.js';
import { assertColumns, assertPlugins, projectedColumns } from './engine-validate.js';

/**
 * Embeds every row of the source (a full scan, as of `version` or the latest).
 *
 * Resolves with the run's result whatever happened to the rows: `succeeded`,
 * `partial` (some rows failed; they are in the ledger and the next run retries them)
 * or `failed` (with `error`; what was done before is committed). It rejects only
 * when the run cannot start (invalid options, unknown plugin version, a sink that
 * refuses the model, `LockedError` when another run holds the lock) and on abort
 * (`AbortedError`, after the run is recorded as failed).
 */
export async function embed(input: EmbedRunOptions): Promise<RunResult> {
  const options = guardPlugins(input);
  const { description, columns } = await prepareRun(options);
  const version = options.version ?? description.latestVersion;
  const loss = await sinkLoss(options, await openSink(options));
  const state = new RunState('embed', options.runId ?? randomUUID(), options);
  checkAgainstSink(state, loss);
  const duplicates = new DuplicateKeys();
  const seen = new SeenPoints();
  let swept = 0;
  const result = await execute(
    state,
    {
      fromVersion: version,
      toVersion: version,
      columns,
      totalRows: scanRowCount(description, version),
    },
    async () => {
      await runPipeline(
        state,
        markSeen(scanItems({ ...readerContext(state, columns), duplicates }, version), seen),
      );
      warnDuplicates(state, duplicates);
      // Mark and sweep: only after a scan that read every row.
      if (maySweep(state)) swept = await sweepUnseen(state, seen);
    },
  );
  return { ...result, duplicateKeys: duplicates.count, rowsSwept: swept };
}

/**
 * Applies the source's change feed from `fromVersion` (default: after the checkpoint)
 * to `toVersion` (default: the latest), reduced to the net effect per key. With no
 * checkpoint and no `fromVersion`, bootstraps from a snapshot of the latest version.
 * The checkpoint moves to `toVersion` only when every change was applied and no row
 * failed. Settles like `embed`.
 */
export async function sync(input: SyncRunOptions): Promise<SyncResult> {
  const options = guardPlugins(input);
  const { description, columns } = await prepareRun(options);
  if (typeof options.source.changes !== 'function') {
    throw new InvalidInputError(
      `Source "${options.source.id}" has no change feed, so it cannot be synced; use embed, or enable the Change Data Feed on the table.`,
    );
  }
  if (description.latestVersion === undefined && options.toVersion === undefined) {
    throw new InvalidInputError(
      `Source "${options.source.id}" is not versioned, so it cannot be synced; use embed instead.`,
    );
  }
  const toVersion = options.toVersion ?? (description.latestVersion as number);
  const ref = {
    sourceId: options.source.id,
    sinkId: options.sink.id,
    fingerprint: options.embedder.fingerprint,
  };
  const fromVersion =
    options.fromVersion ??
    (ledgerDescribesSink(options.sink) ? await resumeVersion(options.ledger, ref) : undefined);
  if (fromVersion === undefined && ledgerDescribesSink(options.sink))
    await assertNotRecreated(options.ledger, ref, options.location);
  const runId = options.runId ?? randomUUID();
  // Opened before the "nothing new" answer: a sink that lost its points is repaired even then.
  const loss = await sinkLoss(options, await openSink(options));
  const feedEmpty = fromVersion !== undefined && fromVersion > toVersion;
  if (feedEmpty && !loss) {
    // Nothing new: no run is recorded (a watch loop polls often) and no lock is taken.
    // The range is empty; it is reported as the version the sink is at (sinceVersion =
    // toVersion = the table's version, which the checkpoint holds), so since <= to holds.
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
  const state = new RunState('sync', runId, options);
  checkAgainstSink(state, loss);
  const bootstrapped = fromVersion === undefined;
  const sinceVersion = feedEmpty ? toVersion : (fromVersion ?? toVersion);
  const duplicates = new DuplicateKeys();
  const result = await execute(
    state,
    {
      fromVersion: sinceVersion,
      toVersion,
      columns,
      bootstrapped,
      totalRows: bootstrapped ? scanRowCount(description, toVersion) : undefined,
      ...(options.deletesOnly ? { deletesOnly: true } : {}),
    },
    async () => {
      const context = readerContext(state, columns);
      const feed = bootstrapped
        ? scanItems({ ...context, duplicates }, toVersion)
        : feedEmpty
          ? noItems()
          : changeItems(context, sinceVersion, toVersion);
      // The feed says nothing of rows it did not touch: after a loss, reconcile a snapshot too.
      const applied = options.deletesOnly ? onlyDeletes(feed) : feed;
      await runPipeline(
        state,
        loss && !bootstrapped
          ? thenReconcile(state, applied, scanItems(context, toVersion))
          : applied,
      );
      warnDuplicates(state, duplicates);
      if (!state.stopped && state.counters.rowsFailed === 0 && !options.deletesOnly) {
        await options.ledger.setCheckpoint({ ...ref, version: toVersion, runId });
      }
    },
  );
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

/** A run the feed could not carry from its checkpoint says which recovery it needs. */
function recoveryOf(error: unknown): { recoveryNeeded?: RecoveryReason } {
  const reason = recoveryReasonOf(error);
  return reason === undefined ? {} : { recoveryNeeded: reason };
}

/** Tells the caller that the key columns do not identify a row (before the run ends). */
export function warnDuplicates(state: RunState, duplicates: DuplicateKeys): void {
  if (duplicates.count === 0) return;
  state.emit({
    type: 'duplicate-keys',
    runId: state.runId,
    count: duplicates.count,
    examples: [...duplicates.examples],
  });
}

/**
 * The plugins as the engine uses them, guarded (open once, no use after close,
 * serialised where they ask, results checked), after their specification versions
 * are checked. The caller keeps ownership: the engine never closes them.
 */
export function guardPlugins<T extends RunOptions>(options: T): T {
  assertPlugins(options);
  return {
    ...options,
    source: guardSource(options.source),
    sink: guardSink(options.sink),
    embedder: guardEmbedder(options.embedder),
    ledger: guardLedger(options.ledger),
  };
}

/** Checks plugins and columns before anything is written. */
export async function prepareRun(options: RunOptions) {
  assertPlugins(options);
  throwIfAborted(options.signal);
  const description = await options.source.describe(
    options.signal ? { signal: options.signal } : {},
  );
  assertColumns(description, options);
  return { description, columns: projectedColumns(options) };
}

export async function openSink(options: RunOptions): Promise<SinkOpenResult | undefined> {
  const { embedder } = options;
  return (await options.sink.open({
    dimensions: embedder.dimensions,
    distance: 'cosine',
    model: embedder.id,
    ...(options.signal ? { signal: options.signal } : {}),
  })) as SinkOpenResult | undefined;
}

/** With dedup on, whether the sink lost points the ledger records (it then checks every row). */
export function sinkLoss(
  options: RunOptions,
  opened: SinkOpenResult | undefined,
): Promise<SinkLoss | undefined> {
  if (options.dedup === false) return Promise.resolve(undefined);
  return findSinkLoss(options.sink, options.ledger, opened, options.signal);
}

export function readerContext(
  state: Pick<
    RunState,
    'source' | 'sourceId' | 'keyColumns' | 'textColumn' | 'batchSize' | 'signal'
  >,
  columns: string[],
): ReaderContext {
  return {
    source: state.source,
    sourceId: state.sourceId,
    keyColumns: state.keyColumns,
    textColumn: state.textColumn,
    columns,
    batchSize: state.batchSize,
    signal: state.signal,
  };
}

export interface ExecuteOptions {
  fromVersion: number | undefined;
  toVersion: number | undefined;
  columns: string[];
  bootstrapped?: boolean;
  /** Rows the scan will read, when the source knows (for the progress bar). */
  totalRows?: number | undefined;
  /** Why a recovery run rebuilt the state from a snapshot. */
  recovered?: string;
  /** A run that applied only deletes (a spent daily budget). */
  deletesOnly?: boolean;
}

/** The source's row count applies only to a scan of the version it describes. */
export function scanRowCount(description: SourceDescription, version: number | undefined) {
  return version === description.latestVersion ? description.rowCount : undefined;
}

/**
 * Where a sync with no `fromVersion` starts: after the checkpoint; with none, after the
 * version the newest successful `embed` of the same (source, sink, fingerprint) scanned
 * (a snapshot cannot see rows deleted since then, the feed can); with neither,
 * undefined: bootstrap from a snapshot.
 */
export async function resumeVersion(
  ledger: Ledger,
  ref: CheckpointRef,
): Promise<number | undefined> {
  const checkpoint = await ledger.getCheckpoint(ref);
  if (checkpoint) return checkpoint.version + 1;
  const runs = await ledger.recentRuns({ sinkId: ref.sinkId, limit: 100 });
  const embedded = runs.find(
    (run) =>
      run.kind === 'embed' &&
      run.status === 'succeeded' &&
      run.sourceId === ref.sourceId &&
      run.fingerprint === ref.fingerprint &&
      run.toVersion !== undefined,
  );
  return embedded?.toVersion === undefined ? undefined : embedded.toVersion + 1;
}

/** Records the run (taking the lock), runs the body, records the outcome (releasing it). */
export async function execute(
  state: RunState,
  run: ExecuteOptions,
  body: () => Promise<void>,
): Promise<RunResult> {
  const started = performance.now();
  const { embedder } = state;
  await state.ledger.startRun({
    runId: state.runId,
    kind: state.kind as RunKind,
    sourceId: state.sourceId,
    sinkId: state.sinkId,
    model: state.model,
    fingerprint: state.fingerprint,
    usdPerMillionTokens: embedder.price.usdPerMillionTokens,
    priceSource: embedder.price.source,
    ...(run.fromVersion === undefined ? {} : { fromVersion: run.fromVersion }),
    ...(run.toVersion === undefined ? {} : { toVersion: run.toVersion }),
    options: {
      textColumn: state.textColumn,
      keyColumns: state.keyColumns,
      metadataColumns: state.metadataColumns ?? [],
      batchSize: state.batchSize,
      dedup: state.dedup,
      storeContent: state.storeContent,
      ...(state.maxCostUsd === undefined ? {} : { maxCostUsd: state.maxCostUsd }),
      ...(run.bootstrapped === undefined ? {} : { bootstrapped: run.bootstrapped }),
      ...(state.location === undefined ? {} : { location: state.location }),
      ...(run.recovered === undefined ? {} : { recovered: run.recovered }),
      ...(run.deletesOnly ? { deletesOnly: true } : {}),
    },
    startedAt: new Date(),
  });
  state.emit({
    type: 'run-start',
    runId: state.runId,
    kind: state.kind,
    sourceId: state.sourceId,
    sinkId: state.sinkId,
    model: state.model,
    ...(run.totalRows === undefined ? {} : { totalRows: run.totalRows }),
    ...(run.fromVersion === undefined ? {} : { fromVersion: run.fromVersion }),
    ...(run.toVersion === undefined ? {} : { toVersion: run.toVersion }),
  });
  if (state.sinkLoss) state.emit({ type: 'sink-loss', runId: state.runId, ...state.sinkLoss });
  try {
    await body();
  } catch (error) {
    state.stop(error, 'write');
  }
  const status = state.stopped ? 'failed' : state.counters.rowsFailed > 0 ? 'partial' : 'succeeded';
  const error = state.stopped ? messageOf(state.stopError) : undefined;
  const counters = { ...state.counters };
  await state.ledger.finishRun(state.runId, {
    status,
    counters,
    finishedAt: new Date(),
    ...(error === undefined ? {} : { error }),
  });
  const durationS = (performance.now() - started) / 1000;
  state.emit({
    type: 'run-end',
    runId: state.runId,
    status,
    counters,
    durationS,
    ...(state.kind === 'sync' ? { changes: { ...state.changes } } : {}),
  });
  if (state.stopKind === 'abort' || DriftError.hasCode(state.stopError, ErrorCode.Aborted)) {
    throw DriftError.hasCode(state.stopError, ErrorCode.Aborted)
      ? state.stopError
      : new AbortedError('The run was aborted.', { cause: state.stopError });
  }
  return {
    runId: state.runId,
    status,
    ...counters,
    durationS,
    failures: [...state.failures],
    duplicateKeys: 0,
    rowsForgotten: state.forgotten,
    rowsSwept: 0,
    ...(error === undefined ? {} : { error }),
    ...(state.stopped && DriftError.isInstance(state.stopError)
      ? { errorCode: state.stopError.code }
      : {}),
    ...(state.sinkLoss ? { sinkLoss: { ...state.sinkLoss } } : {}),
  };
}

function messageOf(error: unknown): string {
  if (DriftError.isInstance(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
