import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { DriftError, ErrorCode, redactUri, type Sink, type SyncResult } from '@drift-spark/core';
import type { ChunkSpec } from '@drift-spark/core/internal';
import type { CliIo } from '../cli-io.js';
import { coreFunction } from '../core-api.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { announceSinkOpen } from '../output/embedded-database-stage.js';
import { indexBuildNotes } from '../output/index-build-notes.js';
import { Output } from '../output/output.js';
import { ProgressDisplay } from '../output/progress.js';
import { releaseMemory } from '../release-memory.js';
import { defaultModel } from '../resolve/resolve-embedder.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri, defaultSinkUri } from '../resolve/resolve-sink.js';
import { createSource, parseTable } from '../resolve/resolve-table.js';
import { adoptSinkPoints } from './adopt-sink.js';
import { printPlan } from './dry-run-output.js';
import { dualWatch, dualWriteTarget } from './migrate/migrate-watch.js';
import { recordedChunking } from './recorded-chunking.js';
import { recoveryRemedy, runEmbed, runWatch } from './recovery-run.js';
import { checkRunFlags, checkVersions } from './run-checks.js';
import { type RunEventsSeen, reportRunError } from './run-error-output.js';
import { resolveRunEmbedder, runColumns, toRunOptions } from './run-options.js';
import { printResult, type SummaryContext } from './run-summary.js';
import type { SharedPoll } from './shared-poll.js';

/** The flags `embed` and `watch` share. */
export interface RunCommandOptions {
  table: string;
  textCol: string;
  keyCol?: string;
  metadataCol?: string;
  /** `--chunk`: each row's text cut into chunks, each its own point. */
  chunk?: ChunkSpec;
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
  /** watch --follow: the table's poll shared with other loops (`drift apply --follow`); not a flag. */
  sharedPoll?: SharedPoll;
}

export type RunKindFlag = 'embed' | 'watch';

export async function runPipelineCommand(
  kind: RunKindFlag,
  options: RunCommandOptions,
  io: CliIo,
): Promise<number> {
  const output = new Output(io, { json: options.json === true });
  let sinkId: string | undefined;
  const seen: RunEventsSeen = {};
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const target = parseTable(options.table, io.cwd);
    const sparkRemote =
      options.spark ?? (target.kind === 'catalog' ? io.env.SPARK_REMOTE : undefined);
    const { keyColumns, metadataColumns } = runColumns(options);
    checkRunFlags(kind, options);

    const model = options.model ?? defaultModel;
    const embedder = await resolveRunEmbedder(options, io);

    const sinkIsDefault = options.sink === undefined;
    const sinkUri = options.sink ?? defaultSinkUri(target.shortName, io.cwd);
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
      if (event.type === 'run-start') seen.started = event;
      if (event.type === 'run-end') seen.ended = event;
      onEvent(event);
    };
    const runOptions = toRunOptions(kind, options, {
      source,
      sink,
      embedder,
      ledger,
      keyColumns,
      metadataColumns,
      location: redactUri(target.location),
      signal: io.signal,
      onEvent: progress.onEvent,
    });
    // watch goes on cutting rows the way the sink's last embed or watch did: a watch without
    // --chunk on a chunked sink would otherwise write whole-row points beside its chunks.
    if (kind === 'watch' && !options.chunk) {
      const recorded = await recordedChunking(ledger, sink.id);
      if (recorded) runOptions.chunking = recorded;
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
      // Loaded here: its metrics (prom-client, ~0.1 s to import) serve only --follow.
      const { followLoop } = await import('./follow-loop.js');
      return await followLoop({
        // No summary to wait for: each sync that wrote builds the deferred index itself.
        runOptions: { ...runOptions, finalize: true },
        source,
        table: options.table,
        output,
        io,
        ...(options.sharedPoll ? { poll: options.sharedPoll } : {}),
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
    return reportRunError(error, kind, { output, io, sinkId, seen });
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
  if (!sink.finalize) return;
  if (output.showProgress) output.note(output.errorColors.dim('building the search index…'));
  releaseMemory();
  try {
    await sink.finalize({
      signal,
      ...(output.json ? {} : { onProgress: indexBuildNotes(output, output.progressIntervalMs) }),
    });
  } catch (error) {
    // A sink the run never opened has nothing deferred; close() builds what is left anyway.
    if (!DriftError.hasCode(error, ErrorCode.PluginState)) throw error;
  }
}
