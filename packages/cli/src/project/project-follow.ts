import type { CliIo } from '../cli-io.js';
import { runPipelineCommand } from '../commands/run-command.js';
import { SharedPoll } from '../commands/shared-poll.js';
import type { Output } from '../output/output.js';
import { parseTable } from '../resolve/resolve-table.js';
import type { LoadedProject } from './load-project.js';
import type { IndexPlan } from './plan-index.js';
import { applyExitCode } from './project-apply.js';
import { projectIo, runOptionsOf } from './project-run-options.js';

/**
 * `drift apply --follow`: after the apply, keeps every index in step in this process, each
 * through `drift watch --follow`'s loop (versions as runs, retries, budgets, SIGTERM stops
 * after the version in flight), the indexes of one table sharing one poll of its feed.
 */
export async function followProject(
  loaded: LoadedProject,
  plans: IndexPlan[],
  flags: { interval?: number },
  io: CliIo,
  output: Output,
): Promise<number> {
  const intervalMs = flags.interval ?? 30_000;
  const polls = new Map<string, SharedPoll>();
  const loops: Promise<number>[] = [];
  for (const plan of plans) {
    const left = leftOut(plan);
    if (left) {
      output.note(`drift apply --follow: ${plan.index}: left out, ${left}`);
      continue;
    }
    const index = loaded.project.indexes[plan.index]!;
    const table = `${index.source.spark ?? ''} ${parseTable(index.source.table, loaded.dir).location}`;
    const sharedPoll = polls.get(table) ?? new SharedPoll(intervalMs);
    polls.set(table, sharedPoll);
    const options = runOptionsOf(loaded, plan.index, {
      follow: true,
      interval: intervalMs,
      sharedPoll,
      ...(index.budget?.maxCostPerDay === undefined
        ? {}
        : { maxCostPerDay: index.budget.maxCostPerDay }),
      ...plan.runAs,
    });
    loops.push(runPipelineCommand('watch', options, labelledIo(projectIo(io, loaded), plan.index)));
  }
  output.note(
    `drift apply --follow: following ${loops.length} ${loops.length === 1 ? 'index' : 'indexes'} of ${polls.size} ${polls.size === 1 ? 'table' : 'tables'}, one poll per table every ${intervalMs / 1000}s (SIGTERM or Ctrl-C stops after the versions in flight)`,
  );
  const codes = await Promise.all(loops);
  return applyExitCode(codes.map((exitCode) => ({ index: '', action: 'follow', exitCode })));
}

/** Why an index is not followed, or undefined when it is. */
function leftOut(plan: IndexPlan): string | undefined {
  if (plan.action === 'migrate' || (plan.inProgress && plan.inProgress.state !== 'finished'))
    return 'a migration is in progress: drift watch (from a scheduler) keeps both sinks in step until drift migrate finish';
  if (!plan.changeFeed)
    return 'its table has no Change Data Feed to follow: run drift apply from a scheduler instead';
  return undefined;
}

/** The io of one index's loop: each line it writes on stderr starts with the index's name. */
function labelledIo(io: CliIo, name: string): CliIo {
  let atLineStart = true;
  const write = (chunk: string) => {
    const text = chunk.replace(/\n(?=.)/g, `\n[${name}] `);
    const labelled = atLineStart ? `[${name}] ${text}` : text;
    atLineStart = chunk.endsWith('\n');
    return io.stderr.write(labelled);
  };
  return { ...io, stderr: { ...io.stderr, write, isTTY: false } };
}
