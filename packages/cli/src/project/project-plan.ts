import { redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { type IndexState, readIndexState } from './index-state.js';
import type { LoadedProject } from './load-project.js';
import { type IndexPlan, planIndex } from './plan-index.js';
import { type RemovedIndex, removedIndexes } from './removed-indexes.js';

/** The inputs a plan was made from: a saved plan is refused when any of them moved. */
export interface PlanInputs {
  fileHash: string;
  indexes: Record<
    string,
    { tableVersion?: number; checkpointVersion?: number; lastRunId?: string }
  >;
}

/** `drift plan`'s result, and the file `--out` writes (`drift apply --plan` reads it). */
export interface ProjectPlan {
  planFormat: 1;
  createdAt: string;
  /** The project file, relative to where the plan was made. */
  file: string;
  inputs: PlanInputs;
  indexes: IndexPlan[];
  /** Sinks the ledger holds that the file no longer declares (`apply --destroy` drops them). */
  removed: RemovedIndex[];
  totalCostUsd: number;
  changed: boolean;
}

/** The inputs of one index as its state says (what `apply --plan` compares). */
export function inputsOf(state: IndexState): PlanInputs['indexes'][string] {
  return {
    ...(state.tableVersion === undefined ? {} : { tableVersion: state.tableVersion }),
    ...(state.checkpointVersion === undefined
      ? {}
      : { checkpointVersion: state.checkpointVersion }),
    ...(state.lastRun ? { lastRunId: state.lastRun.runId } : {}),
  };
}

/** Plans the named indexes, one after the other (each opens and closes what it reads). */
export async function planProject(
  loaded: LoadedProject,
  names: string[],
  io: CliIo,
  file: string,
): Promise<ProjectPlan> {
  const plans: IndexPlan[] = [];
  const inputs: PlanInputs = { fileHash: loaded.hash, indexes: {} };
  for (const name of names) {
    const state = await readIndexState(loaded, name, io);
    inputs.indexes[name] = inputsOf(state);
    const plan = await planIndex(loaded, name, state, io);
    plans.push({ ...plan, sink: redactUri(plan.sink) });
  }
  const removed =
    names.length === Object.keys(loaded.project.indexes).length
      ? await removedIndexes(loaded, io)
      : [];
  return {
    planFormat: 1,
    createdAt: new Date().toISOString(),
    file,
    inputs,
    indexes: plans,
    removed,
    totalCostUsd: plans.reduce((sum, plan) => sum + plan.costUsd, 0),
    changed:
      removed.length > 0 ||
      plans.some((plan) => plan.action !== 'none' && plan.action !== 'migrating'),
  };
}
