import type { CheckpointRef, Ledger, RunRecord, Sink } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { formatDate, formatInt, formatUsd } from '../output/format.js';
import { createSource, parseTable } from '../resolve/resolve-table.js';
import { readDayBudget } from './day-budget.js';
import { type Freshness, readFreshness } from './freshness.js';

export interface StatusFreshness extends Freshness {
  sourceId: string;
  /** Today's (UTC) spend on the sink. */
  spentTodayUsd: number;
  /** The newest run of the table applied only deletes: its daily budget was spent. */
  budgetExhausted: boolean;
}

/**
 * Lag and backlog of the sink against `table` (`drift status --table`): the table's
 * latest version and its commit time against the checkpoint of the newest run of it.
 */
export async function statusFreshness(
  table: string,
  spark: string | undefined,
  sink: Sink,
  ledger: Ledger,
  runs: RunRecord[],
  io: CliIo,
  track: (close: () => Promise<void> | void) => void,
): Promise<StatusFreshness> {
  const target = parseTable(table, io.cwd);
  const source = await createSource({
    target,
    sparkRemote: spark ?? (target.kind === 'catalog' ? io.env.SPARK_REMOTE : undefined),
    importer: io.importer,
  });
  if (source.close) track(() => source.close?.());
  const { id: sourceId } = await source.describe(io.signal ? { signal: io.signal } : {});
  const newest = runs.find((run) => run.sourceId === sourceId);
  const ref: CheckpointRef = { sourceId, sinkId: sink.id, fingerprint: newest?.fingerprint ?? '' };
  const freshness = await readFreshness(source, ledger, ref, io.signal);
  const budget = await readDayBudget(ledger, sink.id, undefined);
  return {
    ...freshness,
    sourceId,
    spentTodayUsd: budget.spentUsd,
    budgetExhausted: newest?.options?.deletesOnly === true,
  };
}

export function freshnessLines(freshness: StatusFreshness): string[] {
  const latest =
    freshness.latestVersion === undefined
      ? 'unversioned'
      : `version ${freshness.latestVersion}${freshness.latestCommitTime === undefined ? '' : ` (committed ${formatDate(new Date(freshness.latestCommitTime))})`}`;
  const checkpoint =
    freshness.checkpointVersion === undefined
      ? 'no checkpoint yet'
      : `checkpoint at version ${freshness.checkpointVersion}`;
  const lag =
    freshness.backlogVersions === 0
      ? 'up to date'
      : `${formatInt(freshness.backlogVersions)} versions behind${freshness.lagSeconds === undefined ? '' : `, lag ${freshness.lagSeconds.toFixed(0)}s`}`;
  const lines = [`  table: ${latest}; ${checkpoint}: ${lag}`];
  lines.push(
    `  spent today (UTC): ${formatUsd(freshness.spentTodayUsd)}${freshness.budgetExhausted ? ' — daily budget spent: embedding paused until 00:00 UTC, deletes still applied' : ''}`,
  );
  return lines;
}

export function freshnessObject(freshness: StatusFreshness): Record<string, unknown> {
  return { ...freshness };
}
