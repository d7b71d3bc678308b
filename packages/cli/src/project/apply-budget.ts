import type { CliIo } from '../cli-io.js';
import { readDayBudget } from '../commands/day-budget.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { sinkIdOf } from './index-state.js';
import type { LoadedProject } from './load-project.js';

/**
 * What one apply of an index may spend: `budget.maxCostPerRun`, capped by what is left of
 * `budget.maxCostPerDay` today (UTC) by the ledger's record of the sink's spend.
 */
export async function applyBudget(
  loaded: LoadedProject,
  name: string,
  io: CliIo,
): Promise<{ maxCost?: number; exhausted: boolean }> {
  const budget = loaded.project.indexes[name]!.budget;
  const perRun = budget?.maxCostPerRun;
  if (budget?.maxCostPerDay === undefined)
    return { ...(perRun === undefined ? {} : { maxCost: perRun }), exhausted: false };
  const ledger = await openLedger(
    ledgerPath(loaded.project.ledger, io.env, loaded.dir),
    io.importer,
  );
  try {
    const day = await readDayBudget(ledger, await sinkIdOf(loaded, name, io), budget.maxCostPerDay);
    return {
      maxCost: Math.max(0, Math.min(perRun ?? Number.POSITIVE_INFINITY, day.remainingUsd)),
      exhausted: day.exhausted,
    };
  } finally {
    await ledger.close();
  }
}
