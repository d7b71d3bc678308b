import { expect } from 'vitest';
import type { LockedError } from '../../errors/errors.js';
import type { Ledger, RunRecord } from '../../spec/ledger-v1.js';
import type { LedgerCase } from './test-ledger-kit.js';

/** The run as `recentRuns` reports it (the engine contract's only way to read a run). */
async function runOf(ledger: Ledger, runId: string): Promise<RunRecord | undefined> {
  return (await ledger.recentRuns({ limit: 1000 })).find((run) => run.runId === runId);
}

/** Runs and the (source, sink) lock. */
export const runCases: LedgerCase[] = [
  {
    name: 'declares specification v1',
    async run(kit) {
      expect((await kit.fresh()).specificationVersion).toBe('v1');
    },
  },
  {
    name: 'records a run from start to finish, as recentRuns reads it',
    async run(kit) {
      const { ledger, run } = await kit.started({
        kind: 'sync',
        fromVersion: 3,
        toVersion: 7,
        options: { textColumn: 'body', keyColumns: ['id'] },
      });
      const running = await runOf(ledger, run.runId);
      const { startedAt, ...fields } = run;
      expect(running).toMatchObject({ ...fields, status: 'running' });
      expect(running!.startedAt.getTime()).toBe(startedAt.getTime());
      const counters = { ...kit.finish().counters, rowsProcessed: 5, tokens: 40, costUsd: 0.0008 };
      const finish = kit.finish({ status: 'partial', counters, error: '1 row failed' });
      await ledger.finishRun(run.runId, finish);
      const finished = await runOf(ledger, run.runId);
      expect(finished).toMatchObject({ status: 'partial', counters, error: '1 row failed' });
      expect(finished!.finishedAt!.getTime()).toBe(finish.finishedAt.getTime());
    },
  },
  {
    name: 'refuses a run id it already holds, and finishing a run it never started',
    async run(kit) {
      const { ledger, run } = await kit.started();
      await expect(ledger.startRun({ ...run, sinkId: 'sink-b' })).rejects.toThrow();
      await expect(ledger.finishRun('never-started', kit.finish())).rejects.toThrow();
      expect((await runOf(ledger, run.runId))!.sinkId).toBe('sink-a');
    },
  },
  {
    name: 'refuses a second run on the same source and sink, naming the run that holds it',
    async run(kit) {
      const { ledger, run: first } = await kit.started();
      const error = await ledger.startRun(kit.run()).catch((caught: unknown) => caught);
      expect(error).toSatisfy(kit.hasCode('locked'));
      expect((error as LockedError).holderRunId).toBe(first.runId);
      expect((error as Error).message).toContain(first.runId);
      // Other pairs are free; finishing releases the lock.
      await ledger.startRun(kit.run({ sinkId: 'sink-b' }));
      await ledger.startRun(kit.run({ sourceId: 'source-b' }));
      await ledger.finishRun(first.runId, kit.finish());
      await ledger.startRun(kit.run());
    },
  },
  {
    name: 'lets exactly one of several concurrent runs on one pair take the lock',
    async run(kit) {
      const ledger = await kit.fresh();
      const runs = Array.from({ length: 6 }, () => kit.run());
      const outcomes = await Promise.allSettled(runs.map((run) => ledger.startRun(run)));
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') expect(outcome.reason).toSatisfy(kit.hasCode('locked'));
      const running = (await ledger.recentRuns()).filter((run) => run.status === 'running');
      expect(running).toHaveLength(1);
    },
  },
  {
    name: 'takes over a lock whose process is gone, ending the abandoned run',
    async run(kit) {
      const { ledger, run: abandoned } = await kit.started();
      await kit.options.abandonLock(ledger, abandoned.runId);
      const next = kit.run();
      await ledger.startRun(next);
      expect((await runOf(ledger, next.runId))!.status).toBe('running');
      expect((await runOf(ledger, abandoned.runId))!.status).not.toBe('running');
      await expect(ledger.startRun(kit.run())).rejects.toSatisfy(kit.hasCode('locked'));
    },
  },
  {
    name: 'lists recent runs newest first, per sink, up to a limit',
    async run(kit) {
      const ledger = await kit.fresh();
      const runs = [1, 2, 3, 4].map((day) =>
        kit.run({
          startedAt: new Date(`2026-01-0${day}T00:00:00Z`),
          sinkId: day === 4 ? 'sink-b' : 'sink-a',
        }),
      );
      for (const run of runs) {
        await ledger.startRun(run);
        await ledger.finishRun(run.runId, kit.finish());
      }
      const ids = (list: { runId: string }[]) => list.map((run) => run.runId);
      expect(ids(await ledger.recentRuns())).toEqual(ids([...runs].reverse()));
      expect(ids(await ledger.recentRuns({ sinkId: 'sink-a', limit: 2 }))).toEqual(
        ids([runs[2]!, runs[1]!]),
      );
      expect(await ledger.recentRuns({ sinkId: 'sink-c' })).toEqual([]);
    },
  },
];
