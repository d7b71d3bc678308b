import type { PendingWriteMethods } from '../ledger-support/ledger-capabilities.js';
import type { PendingWrite, PendingWriteRecord } from '../spec/ledger-v1.js';
import { assertOpen, type MemoryLedgerState } from './memory-ledger-state.js';

/** Writes noted before a sink write; `commitBatch` settles them (`LedgerBatch.settles`). */
export function memoryPending(state: MemoryLedgerState): PendingWriteMethods {
  return {
    async notePendingWrite(write: PendingWrite): Promise<number> {
      assertOpen(state);
      const id = state.nextPendingId++;
      state.pending.set(id, { ...structuredClone(write), id, at: new Date() });
      return id;
    },

    async pendingWrites(sourceId: string, sinkId: string): Promise<PendingWriteRecord[]> {
      assertOpen(state);
      return [...state.pending.values()]
        .filter((write) => write.sourceId === sourceId && write.sinkId === sinkId)
        .map((write) => structuredClone(write));
    },
  };
}
