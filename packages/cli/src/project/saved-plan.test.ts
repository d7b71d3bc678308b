import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliError, ExitCode } from '../errors/cli-error.js';
import type { PlanInputs, ProjectPlan } from './project-plan.js';
import { readPlan, savePlan, staleReason } from './saved-plan.js';

const inputs: PlanInputs = {
  fileHash: 'a'.repeat(64),
  indexes: { docs: { tableVersion: 4, checkpointVersion: 4, lastRunId: 'run-1' } },
};

describe('a saved plan', () => {
  it('is current while nothing it was made from moved', () => {
    expect(staleReason(inputs, structuredClone(inputs), 'drift.yaml')).toBeUndefined();
  });

  it('is stale when the table moved, saying from which version to which', () => {
    const now = structuredClone(inputs);
    now.indexes.docs!.tableVersion = 5;
    expect(staleReason(inputs, now, 'drift.yaml')).toBe(
      'the table of index docs moved from version 4 to 5',
    );
  });

  it('is stale when the file changed, or the index was written since', () => {
    expect(staleReason(inputs, { ...inputs, fileHash: 'b'.repeat(64) }, 'drift.yaml')).toBe(
      'drift.yaml changed since the plan was made',
    );
    const written = structuredClone(inputs);
    written.indexes.docs!.lastRunId = 'run-2';
    expect(staleReason(inputs, written, 'drift.yaml')).toMatch(/^index docs was written since/);
    expect(staleReason(inputs, { ...inputs, indexes: {} }, 'drift.yaml')).toBe(
      'index docs is no longer in drift.yaml',
    );
  });

  it('round-trips through --out, and a file that is not a plan is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drift-plan-'));
    const plan: ProjectPlan = {
      planFormat: 1,
      createdAt: new Date().toISOString(),
      file: 'drift.yaml',
      inputs,
      indexes: [],
      removed: [],
      totalCostUsd: 0,
      changed: false,
    };
    savePlan(plan, 'plan.json', dir);
    expect(readPlan('plan.json', dir)).toEqual(plan);
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    const error = (() => {
      try {
        readPlan('other.json', dir);
      } catch (caught) {
        return caught as CliError;
      }
    })();
    expect(error?.exitCode).toBe(ExitCode.Usage);
    expect(error?.message).toBe(
      'other.json: not a plan drift wrote: write one with drift plan --out other.json.',
    );
  });
});
