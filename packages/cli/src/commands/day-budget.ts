import type { Ledger } from '@drift-spark/core';
import { requireLedgerReports } from '../resolve/ledger-reports.js';

/** What the sink's embeddings cost today (UTC), against `--max-cost-per-day`. */
export interface DayBudget {
  /** USD per UTC day; undefined when no budget is set. */
  limitUsd: number | undefined;
  spentUsd: number;
  /** What is left today (Infinity without a budget). */
  remainingUsd: number;
  exhausted: boolean;
  /** When the budget is available again: the next UTC midnight. */
  resetsAt: Date;
}

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Today's spend on `sinkId`, from the ledger's history of paid upserts. */
export async function readDayBudget(
  ledger: Ledger,
  sinkId: string,
  limitUsd: number | undefined,
  now = new Date(),
): Promise<DayBudget> {
  const since = startOfUtcDay(now);
  const resetsAt = new Date(since.getTime() + 86_400_000);
  const reports = requireLedgerReports(ledger, 'A daily budget (--max-cost-per-day, drift status)');
  const rows = await reports.cost({ by: 'sink', since });
  const spentUsd = rows.find((row) => row.group === sinkId)?.costUsd ?? 0;
  const remainingUsd = limitUsd === undefined ? Number.POSITIVE_INFINITY : limitUsd - spentUsd;
  return { limitUsd, spentUsd, remainingUsd, exhausted: remainingUsd <= 0, resetsAt };
}
