import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import {
  DriftError,
  type DriftEvent,
  type Embedder,
  type EmbedRunOptions,
  ErrorCode,
  type Ledger,
  type PlanResult,
  type RunResult,
  redactSecrets,
  redactUri,
  type Sink,
  type Source,
  type SourceDescription,
  type SyncResult,
  type SyncRunOptions,
} from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { coreFunction } from '../core-api.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { inCliTerms } from '../errors/cli-flags.js';
import { describeError } from '../errors/describe-error.js';
import { announceSinkOpen } from '../output/embedded-database-stage.js';
import { formatDuration, formatInt, formatUsd, shellQuote } from '../output/format.js';
import { type FinalizeCall, indexBuildNotes } from '../output/index-build-notes.js';
import { Output } from '../output/output.js';
import { ProgressDisplay } from '../output/progress.js';
import { defaultModel, resolveEmbedder } from '../resolve/resolve-embedder.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri, defaultSinkUri } from '../resolve/resolve-sink.js';
import { createSource, parseTable } from '../resolve/resolve-table.js';
import { adoptSinkPoints } from './adopt-sink.js';
import { checkFollowFlags } from './follow-flags.js';
import { followLoop } from './follow-loop.js';
import { describeDualWrite, dualWatch, dualWriteTarget } from './migrate/migrate-watch.js';
import { recoveryRemedy, runEmbed, runWatch } from './recovery-run.js';
import { stoppedResultObject } from './stopped-run-result.js';

/** The flags `embed` and `watch` share. */
export interface RunCommandOptions {
  table: string;
  textCol: string;
  keyCol?: string;
  metadataCol?: string;
  model?: string;
  sink?: string;
  version?: number;
  sinceVersion?: number;
  toVersion?: number;
  shadowMode?: boolean;
  batchSize?: number;
  concurrency?: number;
  dedup?: boolean;
  storeContent?: boolean;
  maxCost?: number;
  price?: number;
  dimensions?: number;
  dryRun?: boolean;
  ledger?: string;
  spark?: string;
  json?: boolean;
  includeForgotten?: boolean;
  /** watch: rebuild from a snapshot diffed against the ledger (a recreated or vacuumed table). */
  recover?: boolean;
  /** watch: keep running (see follow-loop.ts). */
  follow?: boolean;
  /** watch --follow: milliseconds between polls. */
  interval?: number;
  metricsPort?: number;
  maxCostPerDay?: number;
  /** embed: rebuild a lost ledger from the sink's payloads instead of re-embedding. */
  adoptSink?: boolean;
}

export type RunKindFlag = 'embed' | 'watch';

/** The counters of DESIGN §7, in that order, then what watch adds. */
const counterNames = [
  'rowsProcessed',
  'rowsDeduped',
  'rowsEmbedded',
  'rowsReused',
  'rowsSkipped',
  'rowsFailed',
  'rowsDeleted',
  'tokens',
  'costUsd',
] as const;

export async function runPipelineCommand(
  kind: RunKindFlag,
  options: RunCommandOptions,
  io: CliIo,
): Promise<number> {
  const output = new Output(io, { json: options.json === true });
  let sinkId: string | undefined;
  // What the events said of a run that stops with an error (Ctrl-C, SIGTERM): its counters.
  let started: Extract<DriftEvent, { type: 'run-start' }> | undefined;
  let ended: Extract<DriftEvent, { type: 'run-end' }> | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const target = parseTable(options.table, io.cwd);
    const sparkRemote =
      options.spark ?? (target.kind === 'catalog' ? io.env.SPARK_REMOTE : undefined);
    const keyColumns = splitColumns(options.keyCol ?? 'id', '--key-col');
    const metadataColumns = options.metadataCol
      ? splitColumns(options.metadataCol, '--metadata-col')
      : [];
    if (
      kind === 'embed' &&
      (options.sinceVersion !== undefined || options.toVersion !== undefined)
    ) {
      throw usageError(
        '--since-version and --to-version belong to drift watch; drift embed takes --version to read the table as of a version.',
      );
    }
    checkFollowFlags(kind, options);
    if (kind === 'watch' && options.version !== undefined) {
      throw usageError(
        'drift watch follows the change feed: use --since-version/--to-version (drift embed takes --version).',
      );
    }

    const model = options.model ?? defaultModel;
    const embedder = await resolveEmbedder({
      model,
      shadow: options.shadowMode === true,
      price: options.price,
      dimensions: options.dimensions,
      env: io.env,
      importer: io.importer,
      cwd: io.cwd,
    });

    const sinkIsDefault = options.sink === undefined;
    const sinkUri = options.sink ?? defaultSinkUri(target.shortName);
    if (sinkIsDefault) mkdirSync(resolvePath(io.cwd, '.drift'), { recursive: true });
    const sink = await createSinkFromUri(sinkUri, io.importer, io.cwd, (message) =>
      output.note(message),
    );
    sinkId = sink.id;
    closers.push(() => sink.close());

    const source = await createSource({ target, sparkRemote, importer: io.importer });
    if (source.close) closers.push(() => source.close?.());

    const description = await source.describe({ signal: io.signal });
    checkVersions(description, options);

    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    closers.push(() => ledger.close());

    const progress = new ProgressDisplay(output);
    closers.push(() => progress.stop());
    announceSinkOpen(sink, progress, io.cwd);
    const onEvent = progress.onEvent;
    progress.onEvent = (event) => {
      if (event.type === 'run-start') started = event;
      if (event.type === 'run-end') ended = event;
      onEvent(event);
    };
    const runOptions: EmbedRunOptions & SyncRunOptions = {
      source,
      sink,
      embedder,
      ledger,
      textColumn: options.textCol,
      keyColumns,
      metadataColumns,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      dedup: options.dedup,
      storeContent: options.storeContent,
      maxCostUsd: options.maxCost,
      includeForgotten: options.includeForgotten === true,
      location: redactUri(target.location),
      signal: io.signal,
      onEvent: progress.onEvent,
      // finalizeSink below builds the deferred index, showing its progress.
      finalize: false,
    };
    if (kind === 'embed') runOptions.version = options.version;
    else {
      runOptions.fromVersion = options.sinceVersion;
      runOptions.toVersion = options.toVersion;
    }
    const context: SummaryContext = {
      kind,
      sink,
      sinkUri,
      sinkIsDefault,
      source,
      embedder,
      ledger,
      options,
      model,
    };

    if (options.dryRun) {
      const plan =
        kind === 'embed'
          ? await coreFunction('planEmbed')(runOptions)
          : await coreFunction('planSync')(runOptions);
      printPlan(output, plan, context);
      return ExitCode.Done;
    }

    // A migration open on this sink: the watch writes SINK_B too, from the same read.
    const dual =
      kind === 'watch'
        ? await dualWriteTarget(
            { source, sink, embedder, ledger, shadow: options.shadowMode === true },
            io,
            output,
            closers,
          )
        : undefined;
    if (options.follow) {
      if (dual)
        throw usageError(
          "watch --follow does not write a migration's second sink yet: while a migration is open, run drift watch without --follow (from a scheduler), or finish or roll back the migration first.",
        );
      const follow = { intervalMs: options.interval ?? 30_000, recover: options.recover };
      return await followLoop({
        // No summary to wait for: each sync that wrote builds the deferred index itself.
        runOptions: { ...runOptions, finalize: true },
        source,
        table: options.table,
        output,
        io,
        follow: {
          ...follow,
          metricsPort: options.metricsPort,
          maxCostPerDay: options.maxCostPerDay,
        },
      });
    }
    if (options.adoptSink) await adoptSinkPoints(runOptions, output);
    const dualResult = dual ? await dualWatch(runOptions, dual) : undefined;
    if (dualResult) context.migration = dualResult.migration;
    const result =
      kind === 'embed'
        ? await runEmbed(runOptions, output)
        : (dualResult?.live ??
          (await runWatch(runOptions, options.recover === true, options.table)));
    progress.stop();
    if (result.rowsEmbedded + result.rowsReused > 0) await finalizeSink(sink, output, io.signal);
    printResult(output, result, context);
    const recovery = (result as SyncResult).recoveryNeeded;
    if (recovery)
      output.note(`${output.errorColors.red('drift:')} ${recoveryRemedy(recovery, options.table)}`);
    if (result.status === 'failed') return ExitCode.Failed;
    if (result.status === 'partial') return ExitCode.Partial;
    return ExitCode.Done;
  } catch (error) {
    const described = describeError(error, {
      sinkId: sinkId ? redactUri(sinkId) : undefined,
      env: io.env,
    });
    if (described.code === 'aborted' && io.signal?.aborted) {
      described.message = `Stopped: ${started ? `run ${started.runId} is recorded as interrupted; ` : ''}run the same command again to go on from where it stopped.`;
    }
    if (output.json && ended?.status === 'failed') {
      // A run that was recorded keeps its documented counters in --json, whatever stopped it.
      output.note(`${output.errorColors.red('drift:')} ${described.message}`);
      output.result(stoppedResultObject(kind, started, ended, described));
    } else output.error(described.message, described.code);
    if (io.env.DRIFT_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return described.exitCode;
  } finally {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch {
        // Closing is best effort; the run's outcome is already decided and recorded.
      }
    }
  }
}

/**
 * Sinks that defer work to the end of a first load (pgvector builds its HNSW index after
 * it) do it now, before the summary, so the process does not sit silent after "done".
 */
async function finalizeSink(
  sink: Sink,
  output: Output,
  signal: AbortSignal | undefined,
): Promise<void> {
  const finalize = (sink as Sink & { finalize?: (options?: FinalizeCall) => Promise<void> })
    .finalize;
  if (typeof finalize !== 'function') return;
  if (output.showProgress) output.note(output.errorColors.dim('building the search index…'));
  try {
    await finalize.call(sink, {
      signal,
      ...(output.json ? {} : { onProgress: indexBuildNotes(output, output.progressIntervalMs) }),
    });
  } catch (error) {
    // A sink the run never opened has nothing deferred; close() builds what is left anyway.
    if (!DriftError.hasCode(error, ErrorCode.PluginState)) throw error;
  }
}

function splitColumns(value: string, flag: string): string[] {
  const columns = value
    .split(',')
    .map((column) => column.trim())
    .filter((column) => column !== '');
  if (columns.length === 0)
    throw usageError(`${flag} is empty: name one column, or several separated by commas.`);
  return columns;
}

function checkVersions(description: SourceDescription, options: RunCommandOptions): void {
  const latest = description.latestVersion;
  const check = (flag: string, value: number | undefined) => {
    if (value !== undefined && latest !== undefined && value > latest) {
      throw usageError(`${flag} ${value} is past the table's latest version, ${latest}.`);
    }
  };
  check('--version', options.version);
  check('--since-version', options.sinceVersion);
  check('--to-version', options.toVersion);
  if (
    options.sinceVersion !== undefined &&
    options.toVersion !== undefined &&
    options.sinceVersion > options.toVersion
  ) {
    throw usageError(
      `--since-version ${options.sinceVersion} is after --to-version ${options.toVersion}.`,
    );
  }
}

interface SummaryContext {
  kind: RunKindFlag;
  sink: Sink;
  sinkUri: string;
  sinkIsDefault: boolean;
  source: Source;
  embedder: Embedder;
  ledger: Ledger;
  options: RunCommandOptions;
  model: string;
  /** SINK_B's part of a watch while a migration is open. */
  migration?: Record<string, unknown>;
}

function resultObject(
  result: RunResult | SyncResult,
  context: SummaryContext,
): Record<string, unknown> {
  const object: Record<string, unknown> = { runId: result.runId, status: result.status };
  for (const name of counterNames) object[name] = result[name];
  object.durationS = result.durationS;
  object.duplicateKeys = result.duplicateKeys;
  object.rowsForgotten = result.rowsForgotten;
  object.rowsSwept = result.rowsSwept;
  if (context.kind === 'watch') {
    const sync = result as SyncResult;
    object.sinceVersion = sync.sinceVersion;
    object.toVersion = sync.toVersion;
    object.upToDate = sync.upToDate;
    object.inserted = sync.inserted;
    object.updated = sync.updated;
    object.deleted = sync.deleted;
    object.bootstrapped = sync.bootstrapped;
    if (sync.recoveryNeeded) object.recoveryNeeded = sync.recoveryNeeded;
  }
  object.model = context.embedder.id;
  object.shadowMode = context.options.shadowMode === true;
  object.sink = redactUri(context.sink.id);
  object.source = context.source.id;
  if (result.sinkLoss) object.sinkLoss = result.sinkLoss;
  if (context.migration) object.migration = context.migration;
  if (result.failures.length > 0)
    object.failures = result.failures.map((failure) => ({
      ...failure,
      reason: redactSecrets(failure.reason),
    }));
  if (result.error) object.error = inCliTerms(redactSecrets(result.error));
  return object;
}

function printResult(
  output: Output,
  result: RunResult | SyncResult,
  context: SummaryContext,
): void {
  if (output.json) {
    output.result(resultObject(result, context));
    return;
  }
  const c = output.colors;
  const status =
    result.status === 'succeeded'
      ? c.green('done')
      : result.status === 'partial'
        ? c.yellow('partial: some rows failed')
        : c.red('failed');
  output.line(
    `${c.bold(`drift ${context.kind}`)} ${status} in ${formatDuration(result.durationS)} (run ${result.runId})`,
  );
  if (context.kind === 'watch') {
    const sync = result as SyncResult;
    const range = sync.bootstrapped
      ? `bootstrapped from a snapshot of version ${sync.toVersion}`
      : sync.upToDate
        ? `no new versions (table at version ${sync.toVersion})`
        : `versions ${sync.sinceVersion}..${sync.toVersion}`;
    output.line(
      `  ${range}: ${formatInt(sync.inserted)} inserted, ${formatInt(sync.updated)} updated, ${formatInt(sync.deleted)} deleted`,
    );
  }
  output.line(
    `  ${formatInt(result.rowsProcessed)} rows: ${formatInt(result.rowsEmbedded)} embedded, ${formatInt(result.rowsReused)} reused (same text), ` +
      `${formatInt(result.rowsDeduped)} unchanged, ${formatInt(result.rowsSkipped)} without text, ${formatInt(result.rowsFailed)} failed` +
      (result.rowsDeleted > 0 ? `, ${formatInt(result.rowsDeleted)} points deleted` : ''),
  );
  if (result.rowsSwept > 0)
    output.line(
      `  ${formatInt(result.rowsSwept)} of them swept: their rows are gone from the table`,
    );
  if (result.rowsForgotten > 0)
    output.line(
      `  ${formatInt(result.rowsForgotten)} rows skipped: erased by drift forget (--include-forgotten embeds them again)`,
    );
  const price = context.options.shadowMode
    ? 'shadow mode, $0'
    : `${formatUsd(context.embedder.price.usdPerMillionTokens)} per 1M tokens`;
  output.line(
    `  ${formatInt(result.tokens)} tokens, ${formatUsd(result.costUsd)} (${context.embedder.id}, ${price})`,
  );
  output.line(
    `  sink: ${redactUri(context.sink.id)}${context.sinkIsDefault ? ' (the embedded default; choose another with --sink)' : ''}`,
  );
  if (context.migration) output.line(`  ${describeDualWrite(context.migration)}`);
  if (result.error) output.line(`  ${c.red('error:')} ${inCliTerms(redactSecrets(result.error))}`);
  for (const failure of result.failures.slice(0, 5))
    output.line(
      `  ${c.yellow('failed row')} ${failure.key}: ${failure.code}: ${redactSecrets(failure.reason)}`,
    );
  if (result.rowsFailed > 0) output.line('  The next run retries the failed rows.');
  if (result.status !== 'failed') {
    const shadow = context.options.shadowMode ? ' --shadow-mode' : '';
    output.line(
      c.dim(
        `  next: drift search --sink ${shellQuote(redactUri(context.sinkUri))} --model ${context.model}${shadow} "your question"`,
      ),
    );
  }
}

function printPlan(output: Output, plan: PlanResult, context: SummaryContext): void {
  if (output.json) {
    output.result({
      dryRun: true,
      ...plan,
      model: context.embedder.id,
      sink: redactUri(context.sink.id),
      source: context.source.id,
    });
    return;
  }
  const c = output.colors;
  output.line(`${c.bold(`drift ${context.kind} --dry-run`)}: nothing was embedded or written`);
  output.line(
    `  ${formatInt(plan.rowsProcessed)} rows: ${formatInt(plan.rowsToEmbed)} to embed, ${formatInt(plan.rowsToReuse)} to reuse (same text), ` +
      `${formatInt(plan.rowsDeduped)} unchanged, ${formatInt(plan.rowsSkipped)} without text, ${formatInt(plan.rowsToDelete)} points to delete`,
  );
  if (plan.duplicateKeys > 0)
    output.line(
      `  warning: ${formatInt(plan.duplicateKeys)} rows repeat the key of an earlier row; only the last one read of each key would be embedded`,
    );
  output.line(
    `  about ${formatInt(plan.estimatedTokens)} tokens, ${formatUsd(plan.estimatedCostUsd)} at ${formatUsd(plan.usdPerMillionTokens)} per 1M tokens (${context.embedder.id})`,
  );
  output.line(`  sink: ${redactUri(context.sink.id)}`);
}
