import { hostname } from 'node:os';
import { LedgerError, LockedError } from '../errors/errors.js';
import { zeroCounters } from '../ledger-support/ledger-support.js';
import type { LedgerV1, RunFinish, RunRecord, RunStart } from '../spec/ledger-v1.js';
import {
  assertOpen,
  copyRun,
  copyRunStart,
  joinKey,
  type LockHolder,
  type MemoryLedgerState,
} from './memory-ledger-state.js';

const thisHost = hostname();

/** Alive unless it ran on this host under a pid that is gone. */
export function isLockHolderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== thisHost) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs and the (source, sink) lock, with takeover of a lock whose holder is gone. */
export function memoryRuns(
  state: MemoryLedgerState,
  isHolderAlive: (holder: LockHolder) => boolean,
): Pick<LedgerV1, 'startRun' | 'finishRun' | 'recentRuns'> & {
  getRun(runId: string): Promise<RunRecord | undefined>;
} {
  return {
    async startRun(start: RunStart): Promise<void> {
      assertOpen(state);
      if (state.runs.has(start.runId)) {
        throw new LedgerError(
          `The ledger already has a run ${start.runId}; every run needs a new id.`,
        );
      }
      const pair = joinKey(start.sourceId, start.sinkId);
      const holder = state.locks.get(pair);
      const holderRun = holder && state.runs.get(holder.runId);
      if (holder && holderRun?.status === 'running') {
        if (isHolderAlive(holder))
          throw new LockedError(
            `Run ${holder.runId} (started ${holder.startedAt.toISOString()} by pid ${holder.pid} on ${holder.hostname}) is already writing from ${start.sourceId} into ${start.sinkId}. Wait for it to finish or stop it; a lock whose process is gone is taken over on the next run.`,
            { holderRunId: holder.runId },
          );
        holderRun.status = 'failed';
        holderRun.finishedAt = new Date();
        holderRun.error = `Abandoned: its process (pid ${holder.pid} on ${holder.hostname}) is gone; run ${start.runId} took over the lock.`;
      }
      state.runs.set(start.runId, {
        ...copyRunStart(start),
        status: 'running',
        counters: zeroCounters(),
      });
      state.locks.set(pair, {
        runId: start.runId,
        pid: process.pid,
        hostname: thisHost,
        startedAt: new Date(start.startedAt),
      });
    },

    async finishRun(runId: string, finish: RunFinish): Promise<void> {
      assertOpen(state);
      const run = state.runs.get(runId);
      if (!run)
        throw new LedgerError(`The ledger has no run ${runId}; start it with startRun() first.`);
      run.status = finish.status;
      run.counters = { ...finish.counters };
      run.finishedAt = new Date(finish.finishedAt);
      if (finish.error !== undefined) run.error = finish.error;
      const pair = joinKey(run.sourceId, run.sinkId);
      if (state.locks.get(pair)?.runId === runId) state.locks.delete(pair);
    },

    async recentRuns(options: { sinkId?: string; limit?: number } = {}): Promise<RunRecord[]> {
      assertOpen(state);
      const limit = options.limit ?? 20;
      const ordered = [...state.runs.values()]
        .map((run, order) => ({ run, order }))
        .filter(({ run }) => options.sinkId === undefined || run.sinkId === options.sinkId)
        .sort((a, b) => b.run.startedAt.getTime() - a.run.startedAt.getTime() || b.order - a.order);
      return ordered.slice(0, Math.max(0, limit)).map(({ run }) => copyRun(run));
    },

    async getRun(runId: string): Promise<RunRecord | undefined> {
      assertOpen(state);
      const run = state.runs.get(runId);
      return run ? copyRun(run) : undefined;
    },
  };
}
