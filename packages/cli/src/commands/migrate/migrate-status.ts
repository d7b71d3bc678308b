import { type Ledger, redactUri, type Source } from '@drift-spark/core';
import { appliedVersion, type MigrationRecord } from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { ExitCode } from '../../errors/cli-error.js';
import { formatDate, formatInt, formatUsd } from '../../output/format.js';
import type { Output } from '../../output/output.js';
import { requireLedgerReports } from '../../resolve/ledger-reports.js';
import { createSource, parseTable } from '../../resolve/resolve-table.js';
import { withCommand } from '../command-context.js';
import { type MigrateStepOptions, openMigrationLedger, settingsOf } from './migrate-context.js';

export interface MigrationSummary {
  id: string;
  state: MigrationRecord['state'];
  fromSink: string;
  fromModel: string;
  toSink: string;
  toModel: string;
  alias: string | null;
  /** Points in each sink as the ledger records them; progress = to / from. */
  fromPoints: number;
  toPoints: number;
  /** Versions applied to each sink, and the table's latest (when the table could be read). */
  fromVersion: number | null;
  toVersion: number | null;
  tableVersion: number | null;
  /** Versions SINK_B still has to apply to reach the table (or SINK_A, when the table was not read). */
  backlogVersions: number | null;
  tokens: number;
  costUsd: number;
  adapterHash: string | null;
  evaluated: boolean;
  steps: { state: string; at: Date; note?: string }[];
}

/** Where a migration stands, from the ledger (and the table's latest version when given). */
export async function summarizeMigration(
  ledger: Ledger,
  migration: MigrationRecord,
  tableVersion: number | undefined,
): Promise<MigrationSummary> {
  const store = ledger.migrations!;
  const fingerprintOf = async (sinkId: string, model: string) =>
    (await ledger.recentRuns({ sinkId, limit: 100 })).find((run) => run.model === model)
      ?.fingerprint;
  const version = async (sinkId: string, model: string) => {
    const fingerprint = await fingerprintOf(sinkId, model);
    return fingerprint === undefined
      ? undefined
      : appliedVersion(ledger, { sourceId: migration.sourceId, sinkId, fingerprint });
  };
  const fromVersion = await version(migration.fromSinkId, migration.fromModel);
  const toVersion = await version(migration.toSinkId, migration.toModel);
  const runIds = new Set((await store.runs(migration.id)).map((run) => run.runId));
  const reports = requireLedgerReports(ledger, 'drift migrate status');
  const costs = (await reports.cost({ by: 'run' })).filter((row) => runIds.has(row.group));
  return {
    id: migration.id,
    state: migration.state,
    fromSink: redactUri(migration.fromSinkId),
    fromModel: migration.fromModel,
    toSink: redactUri(migration.toSinkId),
    toModel: migration.toModel,
    alias: migration.aliasName ?? null,
    fromPoints: await ledger.countPoints(migration.fromSinkId),
    toPoints: await ledger.countPoints(migration.toSinkId),
    fromVersion: fromVersion ?? null,
    toVersion: toVersion ?? null,
    tableVersion: tableVersion ?? null,
    backlogVersions: backlog(tableVersion ?? fromVersion, toVersion),
    tokens: costs.reduce((sum, row) => sum + row.tokens, 0),
    costUsd: costs.reduce((sum, row) => sum + row.costUsd, 0),
    adapterHash: migration.adapterHash ?? null,
    evaluated: migration.evalResults !== undefined,
    steps: await store.steps(migration.id),
  };
}

/** Versions SINK_B has still to apply to reach `ahead` (the table's latest, else SINK_A's). */
function backlog(ahead: number | undefined, toVersion: number | undefined): number | null {
  if (ahead === undefined) return null;
  return toVersion === undefined ? ahead + 1 : Math.max(0, ahead - toVersion);
}

/** The table's latest version, or undefined when it cannot be read from here. */
async function latestVersion(migration: MigrationRecord, io: CliIo): Promise<number | undefined> {
  let source: Source | undefined;
  try {
    const settings = settingsOf(migration);
    source = await createSource({
      target: parseTable(settings.table, io.cwd),
      ...(settings.spark ? { sparkRemote: settings.spark } : {}),
      importer: io.importer,
    });
    return (await source.describe({ signal: io.signal })).latestVersion;
  } catch {
    return undefined;
  } finally {
    await source?.close?.();
  }
}

export function printMigration(output: Output, summary: MigrationSummary): void {
  const c = output.colors;
  output.line(`${c.bold('migration')} ${summary.id}: ${c.bold(summary.state)}`);
  output.line(
    `  from ${summary.fromSink} (${summary.fromModel}): ${formatInt(summary.fromPoints)} points`,
  );
  const progress =
    summary.fromPoints === 0
      ? ''
      : ` (${Math.floor((100 * summary.toPoints) / summary.fromPoints)}%)`;
  output.line(
    `  to   ${summary.toSink} (${summary.toModel}): ${formatInt(summary.toPoints)} points${progress}`,
  );
  output.line(
    `  ${summary.tableVersion === null ? '' : `table at version ${summary.tableVersion}; `}SINK_A at version ${summary.fromVersion ?? 'none'}, SINK_B at ${summary.toVersion ?? 'none'}; backlog of SINK_B: ${summary.backlogVersions ?? 'unknown'} version(s)`,
  );
  if (summary.alias) output.line(`  applications query: ${summary.alias}`);
  output.line(
    `  spent: ${formatInt(summary.tokens)} tokens, ${formatUsd(summary.costUsd)} (backfill, catch-up, adapter samples)`,
  );
  output.line(
    `  adapter: ${summary.adapterHash ? summary.adapterHash.slice(0, 12) : 'none'}; eval: ${summary.evaluated ? 'recorded' : 'not yet'}`,
  );
  for (const step of summary.steps)
    output.line(
      c.dim(`  ${formatDate(step.at)}  ${step.state}${step.note ? `: ${step.note}` : ''}`),
    );
}

/** `drift migrate status`: the open migrations (or one), their progress and backlog. */
export function migrateStatusCommand(options: MigrateStepOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const { ledger, store } = await openMigrationLedger(options, io, track);
    const migrations =
      options.migration !== undefined
        ? [await store.get(options.migration)].filter((found) => found !== undefined)
        : await store.list({ open: true });
    const summaries: MigrationSummary[] = [];
    for (const migration of migrations)
      summaries.push(
        await summarizeMigration(ledger, migration, await latestVersion(migration, io)),
      );
    if (output.json) {
      output.result({ migrations: summaries });
      return ExitCode.Done;
    }
    if (summaries.length === 0)
      output.line(
        options.migration
          ? `No migration ${options.migration} in the ledger.`
          : 'No open migration. drift migrate plan --table T --text-col C --from SINK_A --to-model B shows what one would cost.',
      );
    for (const summary of summaries) printMigration(output, summary);
    return ExitCode.Done;
  });
}
