import type { ErasureReceipt } from '../spec/ledger-maintenance-v1.js';
import type { ErasureEntry, HistoryEntry, LedgerV1 } from '../spec/ledger-v1.js';
import {
  addHistory,
  assertOpen,
  type MemoryLedgerState,
  push,
  removeLive,
} from './memory-ledger-state.js';

type ErasureGroup = Required<
  Pick<LedgerV1, 'recordErasure' | 'erasedPoints' | 'sinksOfSource' | 'saveErasureReceipt'>
>;

/**
 * Erasure on request: the point leaves the live set, its history keeps the actions but
 * not the content hashes (a short text's hash can be guessed back), its failure records
 * go; a receipt per key is kept.
 */
export function memoryErasure(state: MemoryLedgerState): ErasureGroup & {
  erasureReceipts(keyDigest: string): Promise<ErasureReceipt[]>;
} {
  return {
    async recordErasure(entries: ErasureEntry[]): Promise<void> {
      assertOpen(state);
      const at = new Date();
      for (const { sinkId, pointId, sourceId, key, runId, reason } of entries) {
        removeLive(state, sinkId, pointId);
        for (const entry of state.historyByPoint.get(pointId) ?? [])
          if (entry.sinkId === sinkId) delete entry.contentHash;
        state.failures = state.failures.filter(
          (failure) => failure.sinkId !== sinkId || failure.pointId !== pointId,
        );
        const record: HistoryEntry = { action: 'erase', sinkId, pointId, sourceId, key, runId, at };
        if (reason !== undefined) record.reason = reason;
        addHistory(state, record);
        // A vector kept of an edited chunk of this key goes too: it was derived from the row.
        for (const [id, kept] of state.retired)
          if (kept.sinkId === sinkId && kept.sourceId === sourceId && kept.key === key)
            state.retired.delete(id);
      }
    },

    async erasedPoints(pointIds: string[]): Promise<Set<string>> {
      assertOpen(state);
      // Erased, and not written again since (in any sink).
      const erased = pointIds.filter(
        (id) =>
          (state.historyByPoint.get(id) ?? []).findLast((entry) => entry.action !== 'delete')
            ?.action === 'erase',
      );
      return new Set(erased);
    },

    async sinksOfSource(sourceId: string): Promise<string[]> {
      assertOpen(state);
      const sinks = new Set<string>();
      for (const run of state.runs.values()) if (run.sourceId === sourceId) sinks.add(run.sinkId);
      return [...sinks].sort();
    },

    async saveErasureReceipt(receipt: ErasureReceipt): Promise<void> {
      assertOpen(state);
      push(state.receipts, receipt.keyDigest, structuredClone(receipt));
    },

    async erasureReceipts(keyDigest: string): Promise<ErasureReceipt[]> {
      assertOpen(state);
      return (state.receipts.get(keyDigest) ?? []).map((receipt) => structuredClone(receipt));
    },
  };
}
