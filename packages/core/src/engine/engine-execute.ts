import { formatChunkSpec } from '../chunking/chunk-spec.js';
import { DriftError } from '../errors/drift-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { AbortedError } from '../errors/errors.js';
import type { RunKind } from '../spec/ledger-v1.js';
import { settlePendingWrites } from './engine-pending-writes.js';
import { recheckSinkLoss } from './engine-sink-truth.js';
import type { RunState } from './engine-state.js';
import type { RunResult } from './engine-types.js';
import { assertNoUnfinishedForget } from './engine-unfinished-forget.js';

export interface ExecuteOptions {
  fromVersion: number | undefined;
  toVersion: number | undefined;
  bootstrapped?: boolean;
  /** Rows the scan will read, when the source knows (for the progress bar). */
  totalRows?: number | undefined;
  /** Why a recovery run rebuilt the state from a snapshot. */
  recovered?: string;
  /** A run that applied only deletes (a spent daily budget). */
  deletesOnly?: boolean;
}

/** Records the run (taking the lock), runs the body, records the outcome (releasing it). */
export async function execute(
  state: RunState,
  run: ExecuteOptions,
  body: () => Promise<void>,
): Promise<RunResult> {
  const started = performance.now();
  const { embedder, settings } = state;
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
      textColumn: settings.textColumn,
      keyColumns: settings.keyColumns,
      metadataColumns: settings.metadataColumns ?? [],
      batchSize: settings.batchSize,
      dedup: settings.dedup,
      storeContent: settings.storeContent,
      ...(settings.maxCostUsd === undefined ? {} : { maxCostUsd: settings.maxCostUsd }),
      ...(run.bootstrapped === undefined ? {} : { bootstrapped: run.bootstrapped }),
      ...(settings.location === undefined ? {} : { location: settings.location }),
      ...(run.recovered === undefined ? {} : { recovered: run.recovered }),
      ...(run.deletesOnly ? { deletesOnly: true } : {}),
      ...(settings.chunking ? { chunking: formatChunkSpec(settings.chunking) } : {}),
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
  try {
    // Under the lock (a dead forget's run is marked failed by now): an erasure half done
    // is completed by its forget, never undone by this run.
    await assertNoUnfinishedForget(state.ledger, state);
    // Under the lock: what a dead run wrote to the sink and never recorded is recorded first,
    // and a sink that looked short only for want of it is no longer taken for a lost one.
    state.settledWrites = await settlePendingWrites(state);
    if (state.settledWrites > 0) await recheckSinkLoss(state);
    if (state.sinkLoss) state.emit({ type: 'sink-loss', runId: state.runId, ...state.sinkLoss });
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
    ...(state.settledWrites > 0 ? { pendingWritesSettled: state.settledWrites } : {}),
  };
}

function messageOf(error: unknown): string {
  if (DriftError.isInstance(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
