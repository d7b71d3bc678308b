import { type Checkpoint, type RunRecord, redactUri } from '@drift-spark/core';
import { hasLedgerReports } from '@drift-spark/core/internal';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../errors/cli-error.js';
import { formatDate, formatInt, formatUsd } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import { withCommand } from './command-context.js';
import { printMigration, summarizeMigration } from './migrate/migrate-status.js';
import { describeSearchIndex, searchIndexNote } from './search-index-note.js';
import { countSinkPoints, recordedModel } from './sink-reading.js';
import { freshnessLines, freshnessObject, statusFreshness } from './status-freshness.js';

export interface StatusOptions {
  sink: string;
  /** Show the lag and backlog of the sink against this table. */
  table?: string;
  spark?: string;
  ledger?: string;
  limit?: number;
  json?: boolean;
}

/** Points in the sink against points in the ledger, the last runs and the checkpoints of a sink. */
export function statusCommand(options: StatusOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const sink = await createSinkFromUri(options.sink, io.importer, io.cwd);
    track.sinkId(sink.id);
    track.close(() => sink.close());
    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    track.close(() => ledger.close());
    // status vouches for the ledger ("in step"): a damaged file fails here, not silently.
    if (hasLedgerReports(ledger)) await ledger.checkIntegrity?.();

    const runs = await ledger.recentRuns({ sinkId: sink.id, limit: options.limit ?? 5 });
    const ledgerPoints = await ledger.countPoints(sink.id);
    const sinkPoints = await countSinkPoints(sink, ledger, io.signal);
    const checkpoints: Checkpoint[] = [];
    const seen = new Set<string>();
    for (const run of runs) {
      const ref = `${run.sourceId}\u0000${run.fingerprint}`;
      if (seen.has(ref)) continue;
      seen.add(ref);
      const checkpoint = await ledger.getCheckpoint({
        sourceId: run.sourceId,
        sinkId: sink.id,
        fingerprint: run.fingerprint,
      });
      if (checkpoint) checkpoints.push(checkpoint);
    }
    const inStep = sinkPoints === undefined ? undefined : sinkPoints === ledgerPoints;
    const freshness = options.table
      ? await statusFreshness(options.table, options.spark, sink, ledger, runs, io, (close) =>
          track.close(close),
        )
      : undefined;
    // A migration open on this sink (as SINK_A or SINK_B): its progress and backlog.
    const migrations = [];
    for (const migration of (await ledger.migrations?.list({ sinkId: sink.id, open: true })) ?? [])
      migrations.push(await summarizeMigration(ledger, migration, undefined));
    const recorded = await recordedModel(ledger, sink.id);
    const search =
      sinkPoints === undefined
        ? undefined
        : await searchIndexNote(sink, recorded?.dimensions, sinkPoints, io.signal);

    if (output.json) {
      output.result({
        sink: redactUri(sink.id),
        sinkPoints: sinkPoints ?? null,
        ledgerPoints,
        inStep: inStep ?? null,
        ...(search ? { search } : {}),
        checkpoints: checkpoints.map((checkpoint) => ({
          sourceId: checkpoint.sourceId,
          fingerprint: checkpoint.fingerprint,
          version: checkpoint.version,
          runId: checkpoint.runId,
          updatedAt: checkpoint.updatedAt,
        })),
        runs: runs.map(runObject),
        ...(freshness ? { freshness: freshnessObject(freshness) } : {}),
        migrations,
      });
      return ExitCode.Done;
    }

    const c = output.colors;
    output.line(`${c.bold('sink')} ${redactUri(sink.id)}`);
    const sinkCount =
      sinkPoints === undefined
        ? 'unknown (nothing recorded for this sink yet)'
        : formatInt(sinkPoints);
    const verdict =
      inStep === undefined
        ? ''
        : inStep
          ? c.green('  in step')
          : c.yellow(`  out of step: re-run drift embed or drift watch to repair`);
    output.line(
      `  points: ${sinkCount} in the sink, ${formatInt(ledgerPoints)} in the ledger${verdict}`,
    );
    for (const migration of migrations) printMigration(output, migration);
    if (search && sinkPoints !== undefined) output.line(describeSearchIndex(search, sinkPoints));
    if (checkpoints.length === 0) {
      output.line('  checkpoint: none yet (the first drift watch bootstraps from a snapshot)');
    }
    for (const checkpoint of checkpoints) {
      output.line(
        `  checkpoint: version ${checkpoint.version} of source ${checkpoint.sourceId} (${checkpoint.fingerprint}), run ${checkpoint.runId}, ${formatDate(checkpoint.updatedAt)}`,
      );
    }
    for (const line of freshness ? freshnessLines(freshness) : []) output.line(line);
    if (runs.length === 0) {
      output.line(
        '  no runs recorded for this sink in this ledger (is --ledger / DRIFT_LEDGER the one the runs used?)',
      );
    } else {
      output.line('');
      output.line(runsTable(runs));
      for (const note of runStateNotes(runs)) output.line(note);
    }
    return ExitCode.Done;
  });
}

/**
 * What a run's status means now: a run recorded `running` whose process is gone was
 * killed (its record is closed by the next run on the same source and sink); one that
 * runs on another host cannot be checked from here.
 */
export function runState(run: RunRecord): 'dead' | 'running on another host' | RunRecord['status'] {
  if (run.status !== 'running' || !run.process) return run.status;
  if (run.process.alive === false) return 'dead';
  if (run.process.alive === undefined) return 'running on another host';
  return 'running';
}

/** Lines under a runs table that say what `dead` and `running on another host` mean. */
export function runStateNotes(runs: RunRecord[]): string[] {
  const notes: string[] = [];
  for (const run of runs) {
    const state = runState(run);
    if (state === 'dead')
      notes.push(
        `run ${run.runId} is dead: its process (pid ${run.process?.pid}) is gone; the next run on the same table and sink records it failed and goes on from the last checkpoint.`,
      );
    else if (state === 'running on another host')
      notes.push(
        `run ${run.runId} is recorded as running on host ${run.process?.hostname} (pid ${run.process?.pid}): Drift cannot check a process on another host from here.`,
      );
  }
  return notes;
}

export function runObject(run: RunRecord): Record<string, unknown> {
  return {
    runId: run.runId,
    kind: run.kind,
    status: runState(run) === 'dead' ? 'dead' : run.status,
    sourceId: run.sourceId,
    sink: redactUri(run.sinkId),
    model: run.model,
    fromVersion: run.fromVersion ?? null,
    toVersion: run.toVersion ?? null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    pid: run.process?.pid ?? null,
    hostname: run.process?.hostname ?? null,
    processAlive: run.process?.alive ?? null,
    ...run.counters,
    error: run.error ?? null,
  };
}

export function runsTable(runs: RunRecord[], options: { withSink?: boolean } = {}): string {
  const head = [
    'run',
    'kind',
    'status',
    'started',
    'versions',
    'rows',
    'embedded',
    'unchanged',
    'deleted',
    'failed',
    'cost',
  ];
  if (options.withSink) head.push('sink');
  const rows = runs.map((run) => {
    const versions =
      run.fromVersion === undefined
        ? ''
        : run.fromVersion === run.toVersion
          ? String(run.fromVersion)
          : `${run.fromVersion}..${run.toVersion ?? ''}`;
    const row: (string | number)[] = [
      run.runId,
      run.kind,
      runState(run),
      formatDate(run.startedAt),
      versions,
      formatInt(run.counters.rowsProcessed),
      formatInt(run.counters.rowsEmbedded),
      formatInt(run.counters.rowsDeduped),
      formatInt(run.counters.rowsDeleted),
      formatInt(run.counters.rowsFailed),
      formatUsd(run.counters.costUsd),
    ];
    if (options.withSink) row.push(redactUri(run.sinkId));
    return row;
  });
  return renderTable(head, rows, {
    colAligns: [
      'left',
      'left',
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'left',
    ],
  });
}
