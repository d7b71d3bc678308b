import {
  DriftError,
  type DriftEvent,
  type EmbedRunOptions,
  NoChangeFeedError,
  RecoveryNeededError,
  redactSecrets,
  type Source,
  type SyncResult,
  type SyncRunOptions,
} from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { coreFunction } from '../core-api.js';
import { ExitCode } from '../errors/cli-error.js';
import { formatInt, formatUsd } from '../output/format.js';
import type { Output } from '../output/output.js';
import { readDayBudget } from './day-budget.js';
import { FollowMetrics } from './follow-metrics.js';
import { readFreshness } from './freshness.js';
import { recoveryNeededError } from './recovery-run.js';
import type { SharedPoll } from './shared-poll.js';

export interface FollowOptions {
  intervalMs: number;
  metricsPort?: number;
  maxCostPerDay?: number;
  recover?: boolean;
}

export interface FollowContext {
  runOptions: EmbedRunOptions & SyncRunOptions;
  /** The source as the CLI opened it (the engine guards its own copy). */
  source: Source;
  table: string;
  output: Output;
  io: CliIo;
  follow: FollowOptions;
  /** The table's poll, shared with the other loops of it in this process (`apply --follow`). */
  poll?: SharedPoll;
}

/** Errors that waiting will not fix: the loop exits 1 on them instead of retrying. */
const fatalCodes = new Set([
  'invalid-input',
  'dimension-mismatch',
  'unsupported-specification',
  'fatal',
  'plugin-state',
]);

/** Longest wait between two attempts after failures. */
const maxBackoffMs = 5 * 60_000;

/**
 * `drift watch --follow`: applies each new version as it is committed (one run per
 * version, so each gets its own line and a stop loses at most one version's work), sleeps
 * `intervalMs` when there is none, and retries failures of the store, provider or sink
 * with backoff. The first SIGTERM/SIGINT (`io.signal`) lets the version in flight finish
 * and be recorded, then exits 0; a bootstrap or recovery in flight is interrupted instead
 * (recorded, and resumed by the next start).
 */
export async function followLoop(context: FollowContext): Promise<number> {
  const { runOptions, source, output, io, follow } = context;
  const stop = io.signal;
  const engine = new AbortController();
  let longRun = false;
  const onStop = () => {
    output.note(log('stop requested: finishing the version in flight'));
    if (longRun) engine.abort(stop?.reason);
  };
  stop?.addEventListener('abort', onStop, { once: true });
  const metrics = new FollowMetrics();
  const onEvent = runOptions.onEvent;
  const options: EmbedRunOptions & SyncRunOptions = {
    ...runOptions,
    signal: engine.signal,
    onEvent: (event: DriftEvent) => {
      metrics.event(event);
      onEvent?.(event);
    },
  };
  const ref = {
    sourceId: runOptions.source.id,
    sinkId: runOptions.sink.id,
    fingerprint: runOptions.embedder.fingerprint,
  };
  const totals = { versions: 0, runs: 0, failures: 0 };
  let failuresInRow = 0;
  let deletesAppliedTo = -1;
  /** Set when a run stopped at the day's budget: embedding waits for the next UTC day. */
  let pausedUntil = 0;
  // --recover with --follow: recover first, and again whenever the feed cannot go on.
  const autoRecover = follow.recover === true;
  let recoverNext = autoRecover;
  try {
    if (follow.metricsPort !== undefined) {
      const port = await metrics.listen(follow.metricsPort);
      output.note(log(`metrics on http://127.0.0.1:${port}/metrics`));
    }
    output.note(
      log(
        `following ${context.table} every ${follow.intervalMs / 1000}s (SIGTERM or Ctrl-C stops after the version in flight)`,
      ),
    );
    while (!stop?.aborted) {
      let waitMs = follow.intervalMs;
      try {
        const polled = context.poll ? context.poll.of(source) : source;
        const fresh = await readFreshness(polled, runOptions.ledger, ref);
        metrics.freshness(fresh);
        const read = await readDayBudget(runOptions.ledger, ref.sinkId, follow.maxCostPerDay);
        // The engine stops before a call would pass the budget, so what is left may never reach 0.
        const budget = { ...read, exhausted: read.exhausted || Date.now() < pausedUntil };
        metrics.budget(budget);
        const latest = fresh.latestVersion ?? 0;
        const maxCostUsd = Math.min(
          budget.remainingUsd,
          runOptions.maxCostUsd ?? Number.POSITIVE_INFINITY,
        );
        const runWith = (extra: Partial<SyncRunOptions>) => ({
          ...options,
          ...(Number.isFinite(maxCostUsd) ? { maxCostUsd } : {}),
          ...extra,
        });
        let result: SyncResult | undefined;
        let versions = 0;
        if (fresh.backlogVersions === 0) {
          // Up to date: sleep.
        } else if (budget.exhausted) {
          if (fresh.checkpointVersion !== undefined && latest > deletesAppliedTo) {
            result = await coreFunction('sync')(runWith({ toVersion: latest, deletesOnly: true }));
            deletesAppliedTo = latest;
            output.note(
              log(
                `daily budget of ${formatUsd(budget.limitUsd ?? 0)} spent (${formatUsd(budget.spentUsd)}): embedding paused until ${budget.resetsAt.toISOString()}; deletes applied up to version ${latest} (${formatInt(result.rowsDeleted)} points deleted)`,
              ),
            );
            result = undefined;
          }
        } else if (fresh.checkpointVersion === undefined || recoverNext) {
          longRun = true;
          result = await coreFunction(recoverNext ? 'recover' : 'sync')(runWith({}));
          recoverNext = false;
          versions = 1;
        } else {
          const version = fresh.checkpointVersion + 1;
          result = await coreFunction('sync')(
            runWith({ fromVersion: version, toVersion: version }),
          );
          versions = 1;
          if (version < latest) waitMs = 0;
        }
        longRun = false;
        if (result?.recoveryNeeded) {
          if (!autoRecover) throw recoveryNeededError(result.recoveryNeeded, context.table);
          output.note(log(`${result.recoveryNeeded}: recovering from a snapshot (--recover)`));
          recoverNext = true;
          waitMs = 0;
          continue;
        }
        if (result) {
          totals.runs++;
          metrics.run(result, result.status === 'succeeded' ? versions : 0);
          reportRun(output, result, fresh.lagSeconds);
          if (result.status === 'succeeded') {
            totals.versions += versions;
            failuresInRow = 0;
          } else if (result.errorCode === 'cost-limit' && budget.limitUsd !== undefined) {
            pausedUntil = budget.resetsAt.getTime();
            waitMs = 0;
          } else {
            throw new Error(result.error ?? `${result.rowsFailed} rows failed`);
          }
        }
      } catch (error) {
        longRun = false;
        if (stop?.aborted) break;
        if (RecoveryNeededError.isRecoveryNeeded(error)) {
          if (!autoRecover) throw recoveryNeededError(error.recovery, context.table, error);
          output.note(log(`${error.recovery}: recovering from a snapshot (--recover)`));
          recoverNext = true;
          continue;
        }
        if (DriftError.isInstance(error) && fatalCodes.has(error.code)) throw error;
        if (NoChangeFeedError.is(error)) throw error;
        if (error instanceof Error && (error as { exitCode?: number }).exitCode !== undefined)
          throw error;
        failuresInRow++;
        totals.failures++;
        metrics.failure();
        waitMs = Math.min(maxBackoffMs, follow.intervalMs * 2 ** Math.min(failuresInRow, 10));
        const message = error instanceof Error ? error.message : String(error);
        output.note(
          log(
            `attempt failed (${failuresInRow} in a row), retrying in ${Math.round(waitMs / 1000)}s: ${redactSecrets(message.split('\n')[0] ?? '')}`,
          ),
        );
      }
      await sleep(waitMs, stop);
    }
  } finally {
    stop?.removeEventListener('abort', onStop);
    await metrics.close();
  }
  output.note(
    log(
      `stopped: ${formatInt(totals.versions)} versions applied in ${formatInt(totals.runs)} runs, ${formatInt(totals.failures)} failed attempts retried`,
    ),
  );
  return ExitCode.Done;
}

function reportRun(output: Output, result: SyncResult, lagSeconds: number | undefined): void {
  const what = result.bootstrapped
    ? `snapshot of version ${result.toVersion}`
    : result.sinceVersion === result.toVersion
      ? `version ${result.toVersion}`
      : `versions ${result.sinceVersion}..${result.toVersion}`;
  const lag = lagSeconds === undefined ? '' : `, lag was ${lagSeconds.toFixed(1)}s`;
  output.note(
    log(
      `${what} ${result.status === 'succeeded' ? 'applied' : result.status}: ${formatInt(result.inserted)} inserted, ${formatInt(result.updated)} updated, ${formatInt(result.deleted)} deleted; ${formatInt(result.rowsEmbedded)} embedded, ${formatInt(result.tokens)} tokens, ${formatUsd(result.costUsd)}${lag} (run ${result.runId})`,
    ),
  );
  output.result({
    event: 'run',
    runId: result.runId,
    status: result.status,
    sinceVersion: result.sinceVersion,
    toVersion: result.toVersion,
    bootstrapped: result.bootstrapped,
    inserted: result.inserted,
    updated: result.updated,
    deleted: result.deleted,
    rowsEmbedded: result.rowsEmbedded,
    rowsDeleted: result.rowsDeleted,
    rowsFailed: result.rowsFailed,
    tokens: result.tokens,
    costUsd: result.costUsd,
    ...(lagSeconds === undefined ? {} : { lagSeconds }),
  });
}

function log(text: string): string {
  return `${new Date().toISOString()} drift watch: ${text}`;
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
