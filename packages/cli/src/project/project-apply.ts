import type { CliIo } from '../cli-io.js';
import { migrateStartCommand } from '../commands/migrate/migrate-start.js';
import { runPipelineCommand } from '../commands/run-command.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { formatInt, formatUsd } from '../output/format.js';
import type { Output } from '../output/output.js';
import { renderTable } from '../output/table.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { applyBudget } from './apply-budget.js';
import { applyCopy } from './copy-sink.js';
import { sinkIdOf } from './index-state.js';
import type { LoadedProject } from './load-project.js';
import { type IndexPlan, migrateOptions } from './plan-index.js';
import { capturingIo, projectIo, runOptionsOf } from './project-run-options.js';

export interface ApplyFlags {
  allowMigrate?: boolean;
  json?: boolean;
}

interface Applied {
  index: string;
  action: string;
  exitCode: number;
  /** The run's `--json` result (with --json), or what the ledger recorded of it. */
  result?: Record<string, unknown>;
}

/** A model change is refused as a whole, before anything runs, without --allow-migrate. */
export function checkMigrations(plans: IndexPlan[], flags: ApplyFlags): void {
  const migration = plans.find((plan) => plan.action === 'migrate');
  if (migration && !flags.allowMigrate)
    throw usageError(
      `index ${migration.index}: ${migration.reason}: drift apply never writes the new model's vectors into the old index; run drift apply --allow-migrate to start a migration into a new sink (drift migrate), or put the old model back in the file.`,
    );
}

/** Carries out a plan index by index through the same commands as `drift watch|embed|migrate start`. */
export async function applyPlans(
  loaded: LoadedProject,
  plans: IndexPlan[],
  flags: ApplyFlags,
  io: CliIo,
  output: Output,
): Promise<Applied[]> {
  const applied: Applied[] = [];
  for (const plan of plans) {
    if (plan.action === 'none' || plan.action === 'migrating') continue;
    const budget = await applyBudget(loaded, plan.index, io);
    if (budget.exhausted) {
      output.note(
        `drift apply: ${plan.index}: skipped, its budget.maxCostPerDay is spent for today (UTC); it applies again after 00:00 UTC.`,
      );
      applied.push({ index: plan.index, action: plan.action, exitCode: ExitCode.Partial });
      continue;
    }
    if (!flags.json)
      output.note(output.errorColors.bold(`drift apply: ${plan.index} (${plan.action})`));
    const capture = capturingIo(projectIo(io, loaded));
    const runIo = flags.json ? capture.io : projectIo(io, loaded);
    const options = runOptionsOf(loaded, plan.index, {
      json: flags.json === true,
      ...(budget.maxCost === undefined ? {} : { maxCost: budget.maxCost }),
      ...plan.runAs,
    });
    const kind = plan.action === 'rebuild' || !plan.changeFeed ? 'embed' : 'watch';
    const exitCode =
      plan.action === 'migrate'
        ? await migrateStartCommand(
            migrateOptions(options, plan.fromModel ?? plan.model, flags.json === true),
            runIo,
          )
        : plan.action === 'copy'
          ? await applyCopy(loaded, plan, options, { runIo, io, output })
          : await runPipelineCommand(kind, options, runIo);
    applied.push({
      index: plan.index,
      action: plan.action,
      exitCode,
      result: flags.json ? capture.json() : await lastRun(loaded, plan, io),
    });
  }
  return applied;
}

/** The sink's last run as the ledger recorded it: the summary's figures. */
async function lastRun(
  loaded: LoadedProject,
  plan: IndexPlan,
  io: CliIo,
): Promise<Record<string, unknown> | undefined> {
  if (plan.action === 'migrate') return undefined;
  const ledger = await openLedger(
    ledgerPath(loaded.project.ledger, io.env, loaded.dir),
    io.importer,
  );
  try {
    // After a finished migration the index's runs go to SINK_B (the plan's sink).
    const sinkId = plan.runAs?.sink ? plan.sink : await sinkIdOf(loaded, plan.index, io);
    const [run] = await ledger.recentRuns({ sinkId, limit: 1 });
    return run ? { status: run.status, ...run.counters } : undefined;
  } finally {
    await ledger.close();
  }
}

/** The exit code of the whole apply: failed over partial over done, as the runs said. */
export function applyExitCode(applied: Applied[]): number {
  const codes = applied.map((entry) => entry.exitCode);
  for (const code of [ExitCode.Usage, ExitCode.Failed, ExitCode.Partial])
    if (codes.includes(code)) return code;
  return ExitCode.Done;
}

export function printApplySummary(output: Output, applied: Applied[]): void {
  if (applied.length === 0) {
    output.line('No changes: every index is in step with its table; nothing to apply.');
    return;
  }
  const rows = applied.map(({ index, action, exitCode, result }) => [
    index,
    action,
    exitCode === ExitCode.Done ? 'done' : `exit ${exitCode}`,
    // A migration reports in its own lines above (SINK_B's backfill), not here.
    result ? formatInt(Number(result.rowsEmbedded ?? 0)) : '-',
    result ? formatInt(Number(result.rowsDeleted ?? 0)) : '-',
    result ? formatUsd(Number(result.costUsd ?? 0)) : '-',
  ]);
  output.line(
    renderTable(['index', 'action', 'status', 'embedded', 'deleted', 'cost'], rows, {
      colAligns: ['left', 'left', 'left', 'right', 'right', 'right'],
    }),
  );
}
