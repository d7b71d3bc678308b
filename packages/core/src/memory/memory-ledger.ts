import type { LedgerReportsV1 } from '../spec/ledger-reports-v1.js';
import type { LedgerV1 } from '../spec/ledger-v1.js';
import { memoryErasure } from './memory-ledger-erasure.js';
import { memoryPending } from './memory-ledger-pending.js';
import { memoryPointReads } from './memory-ledger-points.js';
import { memoryReports } from './memory-ledger-reports.js';
import { memoryRetired } from './memory-ledger-retired.js';
import { isLockHolderAlive, memoryRuns } from './memory-ledger-runs.js';
import { createMemoryLedgerState, type LockHolder } from './memory-ledger-state.js';
import { memoryWrites } from './memory-ledger-writes.js';

export { isLockHolderAlive } from './memory-ledger-runs.js';
export type { LockHolder } from './memory-ledger-state.js';

export interface MemoryLedgerOptions {
  /**
   * Whether the process holding a lock is still there; a lock whose holder is gone is
   * taken over. Default: alive unless it is on this host and its pid no longer exists.
   */
  isHolderAlive?: (holder: LockHolder) => boolean;
}

/** The memory ledger: the whole engine contract (sweep and erasure included) and the reports. */
export type MemoryLedger = Required<Omit<LedgerV1, 'migrations' | 'dropSink'>> &
  Required<Omit<LedgerReportsV1, 'checkIntegrity'>>;

/**
 * A complete in-process Ledger (runs, lock, live points, history, failures,
 * checkpoints, erasure, retired vectors, pending writes, cost, provenance). Nothing survives the process; for tests and
 * one-shot runs. Like every ledger it never sees raw text.
 */
export function createMemoryLedger(options: MemoryLedgerOptions = {}): MemoryLedger {
  const state = createMemoryLedgerState();
  return {
    specificationVersion: 'v1',
    ...memoryRuns(state, options.isHolderAlive ?? isLockHolderAlive),
    ...memoryPointReads(state),
    ...memoryWrites(state),
    ...memoryErasure(state),
    ...memoryRetired(state),
    ...memoryPending(state),
    ...memoryReports(state),
    async close(): Promise<void> {
      state.closed = true;
    },
  };
}
