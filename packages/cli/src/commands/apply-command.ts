import type { CliIo } from '../cli-io.js';
import { usageError } from '../errors/cli-error.js';
import { destroyRemoved } from '../project/destroy-removed.js';
import { readIndexState } from '../project/index-state.js';
import { projectLabel, requireProject, selectIndexes } from '../project/load-project.js';
import { printProjectPlan } from '../project/plan-format.js';
import type { IndexPlan } from '../project/plan-index.js';
import {
  applyExitCode,
  applyPlans,
  checkMigrations,
  printApplySummary,
} from '../project/project-apply.js';
import { followProject } from '../project/project-follow.js';
import { inputsOf, type PlanInputs, planProject } from '../project/project-plan.js';
import type { RemovedIndex } from '../project/removed-indexes.js';
import { readPlan, staleReason } from '../project/saved-plan.js';
import { withCommand } from './command-context.js';

export interface ApplyCommandOptions {
  plan?: string;
  allowMigrate?: boolean;
  destroy?: boolean;
  follow?: boolean;
  /** --follow: milliseconds between polls. */
  interval?: number;
  json?: boolean;
  project?: string;
}

/** `drift apply [index…]`: plans (or reads a saved plan, refused when stale) and carries it out. */
export function applyCommand(
  names: string[],
  options: ApplyCommandOptions,
  io: CliIo,
): Promise<number> {
  return withCommand(io, options, async (output) => {
    if (options.interval !== undefined && !options.follow)
      throw usageError('--interval needs --follow.');
    const loaded = await requireProject(io, options.project);
    const label = projectLabel(loaded, io.cwd);
    let plans: IndexPlan[];
    let removed: RemovedIndex[];
    if (options.plan) {
      if (names.length > 0)
        throw usageError('drift apply --plan applies the indexes of the plan: name no index.');
      const saved = readPlan(options.plan, io.cwd);
      const now: PlanInputs = { fileHash: loaded.hash, indexes: {} };
      for (const name of Object.keys(saved.inputs.indexes))
        if (loaded.project.indexes[name])
          now.indexes[name] = inputsOf(await readIndexState(loaded, name, io));
      const reason = staleReason(saved.inputs, now, label);
      if (reason)
        throw usageError(
          `${options.plan} is stale: ${reason}. Run drift plan --out ${options.plan} again, review it, then apply it.`,
        );
      plans = saved.indexes;
      removed = saved.removed ?? [];
    } else {
      const plan = await planProject(loaded, selectIndexes(loaded, names), io, label);
      if (!output.json) printProjectPlan(output, plan, { next: false });
      plans = plan.indexes;
      removed = plan.removed;
    }
    checkMigrations(plans, options);
    const applied = [
      ...(await applyPlans(loaded, plans, options, io, output)),
      ...(await destroyRemoved(loaded, removed, options, io, output)),
    ];
    const exitCode = applyExitCode(applied);
    output.result({ status: exitCode === 0 ? 'succeeded' : 'failed', exitCode, indexes: applied });
    if (!output.json) printApplySummary(output, applied);
    if (!options.follow || exitCode !== 0) return exitCode;
    return followProject(loaded, plans, options, io, output);
  });
}
