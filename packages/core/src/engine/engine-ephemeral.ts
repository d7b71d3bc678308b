import type { SinkV1 } from '../spec/sink-v1.js';

/**
 * Whether the ledger's records of a sink describe what the sink holds. Not for a sink
 * that starts empty in every process (`persistent: false`, e.g. `pglite://memory`):
 * the ledger outlives it, so its rows are never deduped against the ledger and a sync
 * never resumes from a checkpoint — every run fills the new store from the table.
 */
export function ledgerDescribesSink(sink: Pick<SinkV1, 'persistent'>): boolean {
  return sink.persistent !== false;
}
