import { LockedError } from '@drift-spark/core';

/** The row of the `locks` table: who holds (source, sink). */
export interface LockHolder {
  sourceId: string;
  sinkId: string;
  runId: string;
  pid: number;
  hostname: string;
  acquiredAt: number;
}

/**
 * Whether process `pid` still exists on this machine. `process.kill(pid, 0)` sends no
 * signal; it throws ESRCH when there is no such process and EPERM when there is one we
 * may not signal (alive, another user's).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * A lock may be taken over when its holder is provably gone: same host and a dead pid,
 * or a holder run that is no longer running (finished without releasing).
 */
export function isLockStale(
  holder: LockHolder,
  hostname: string,
  holderRunStatus: string | undefined,
): boolean {
  if (holderRunStatus !== undefined && holderRunStatus !== 'running') return true;
  if (holderRunStatus === undefined) return true;
  return holder.hostname === hostname && !isProcessAlive(holder.pid);
}

export function lockedError(holder: LockHolder, hostname: string): LockedError {
  const since = new Date(holder.acquiredAt).toISOString();
  const where =
    holder.hostname === hostname
      ? `pid ${holder.pid} on this host (${holder.hostname})`
      : `pid ${holder.pid} on host ${holder.hostname}`;
  const next =
    holder.hostname === hostname
      ? 'Wait for it to finish and try again; if that process is gone, its lock is taken over automatically on the next start.'
      : `Wait for it to finish and try again. Drift cannot check a process on another host: if that run is gone for good, end it on ${holder.hostname} by starting any run there on the same source and sink (its dead lock is taken over), or use another ledger file.`;
  return new LockedError(
    `Another run is writing to sink ${holder.sinkId} from source ${holder.sourceId}: run ${holder.runId}, started ${since} by ${where}. ${next}`,
    { holderRunId: holder.runId },
  );
}
