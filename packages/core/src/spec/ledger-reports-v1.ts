import type { ErasureReceipt } from './ledger-maintenance-v1.js';
import type { FailureRecord, HistoryEntry, LivePoint, RunRecord } from './ledger-v1.js';

/**
 * The reporting queries of a ledger: what `drift cost`, `drift provenance`, `drift status`
 * and `drift forget --receipt` read, never the engine. A second, optional interface: a
 * custom ledger implements `LedgerV1` (the engine contract) and may add these. The CLI
 * checks for them (`hasLedgerReports`) where a command needs them and, when they are
 * missing, stops with one line naming the command and the missing interface, e.g.
 * "drift cost needs a ledger that answers reports (LedgerReports: cost, provenance,
 * getRun, failures); use the SQLite ledger of @drift-spark/ledger."
 */

export type CostDimension = 'model' | 'sink' | 'source' | 'run';

export interface CostRow {
  /** The model id, sink id, source id or run id, per the dimension asked for. */
  group: string;
  tokens: number;
  costUsd: number;
  /** Embeddings paid for (reuses and dedups excluded). */
  embeddings: number;
  runs: number;
}

export interface CostQuery {
  by: CostDimension;
  since?: Date;
  until?: Date;
}

export type ProvenanceQuery =
  | { pointId: string }
  | { key: string; sourceId?: string; sinkId?: string };

export interface Provenance {
  point?: LivePoint;
  /** The point's history, oldest first. */
  history: HistoryEntry[];
  /** The run that wrote the live point. */
  run?: RunRecord;
}

export interface LedgerReportsV1 {
  /**
   * What was paid, grouped by model, sink, source or run: every upsert of the history
   * (an overwritten or deleted point still counts) plus recorded migration spend, most
   * expensive first.
   */
  cost(query: CostQuery): Promise<CostRow[]>;
  /** The history of a point, or of every point of a key, oldest first, with the live point and its run. */
  provenance(query: ProvenanceQuery): Promise<Provenance[]>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Failed rows, by run and/or sink, in the order they were recorded. */
  failures(options: { runId?: string; sinkId?: string; limit?: number }): Promise<FailureRecord[]>;
  /**
   * Optional: reads the whole store and throws a `LedgerError` naming it when it is
   * damaged (`drift status` calls it, so a corrupt ledger is never reported "in step").
   */
  checkIntegrity?(): Promise<void>;
  /** Optional: the erasure receipts of a key digest, oldest first (`drift forget --receipt`). */
  erasureReceipts?(keyDigest: string): Promise<ErasureReceipt[]>;
}

export type LedgerReports = LedgerReportsV1;
