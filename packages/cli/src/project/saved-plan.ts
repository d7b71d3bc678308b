import { readFileSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { usageError } from '../errors/cli-error.js';
import type { PlanInputs, ProjectPlan } from './project-plan.js';

/** Writes `--out plan.json`. */
export function savePlan(plan: ProjectPlan, path: string, cwd: string): string {
  const file = resolvePath(cwd, path);
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
  return file;
}

/** Reads `--plan plan.json`; anything that is not a plan drift wrote is a usage error. */
export function readPlan(path: string, cwd: string): ProjectPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolvePath(cwd, path), 'utf8'));
  } catch (error) {
    throw usageError(
      `${path}: not a readable plan (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): write one with drift plan --out ${path}.`,
    );
  }
  const plan = parsed as Partial<ProjectPlan>;
  if (plan.planFormat !== 1 || !Array.isArray(plan.indexes) || !plan.inputs)
    throw usageError(`${path}: not a plan drift wrote: write one with drift plan --out ${path}.`);
  return plan as ProjectPlan;
}

/**
 * Why a saved plan no longer describes the world (the file, a table or the ledger moved
 * since it was made), or undefined when it still does. As Terraform does: a stale plan is
 * refused, never applied to inputs it did not see.
 */
export function staleReason(
  saved: PlanInputs,
  now: PlanInputs,
  projectFile: string,
): string | undefined {
  if (saved.fileHash !== now.fileHash) return `${projectFile} changed since the plan was made`;
  for (const [name, before] of Object.entries(saved.indexes)) {
    const after = now.indexes[name];
    if (!after) return `index ${name} is no longer in ${projectFile}`;
    if (before.tableVersion !== after.tableVersion)
      return `the table of index ${name} moved from version ${before.tableVersion ?? 'none'} to ${after.tableVersion ?? 'none'}`;
    if (
      before.checkpointVersion !== after.checkpointVersion ||
      before.lastRunId !== after.lastRunId
    )
      return `index ${name} was written since (its ledger checkpoint or last run changed)`;
  }
  return undefined;
}
