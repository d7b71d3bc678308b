import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../errors/cli-error.js';
import { projectLabel, requireProject, selectIndexes } from '../project/load-project.js';
import { printProjectPlan } from '../project/plan-format.js';
import { planProject } from '../project/project-plan.js';
import { savePlan } from '../project/saved-plan.js';
import { withCommand } from './command-context.js';

export interface PlanCommandOptions {
  json?: boolean;
  out?: string;
  project?: string;
}

/** `drift plan [index…]`: what `drift apply` would do to each index, and what it would cost. */
export function planCommand(
  names: string[],
  options: PlanCommandOptions,
  io: CliIo,
): Promise<number> {
  return withCommand(io, options, async (output) => {
    const loaded = await requireProject(io, options.project);
    const selected = selectIndexes(loaded, names);
    const plan = await planProject(loaded, selected, io, projectLabel(loaded, io.cwd));
    if (options.out) {
      savePlan(plan, options.out, io.cwd);
      output.note(`plan saved to ${options.out}: drift apply --plan ${options.out} carries it out`);
    }
    output.result(plan);
    if (!output.json) printProjectPlan(output, plan, { next: true });
    return ExitCode.Done;
  });
}
