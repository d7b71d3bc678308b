import type { MigrationStoreV1 } from './migration-v1.js';

/**
 * The Ledger is Drift's memory: runs, one row per live point, an append-only history,
 * checkpoints and failures. It never stores raw text or credentials.
 */

import type { ErasureReceipt, LivePointsQuery } from './ledger-maintenance-v1.js';

export type RunKind = 'embed' | 'sync' | 'migrate' | 'forget' | 'repair';
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

/** Counters, named the same in results, events, the ledger and `--json` (DESIGN §7). */
export interface RunCounters {
  rowsProcessed: number;
  rowsDeduped: number;
  rowsEmbedded: number;
  rowsReused: number;
  rowsSkipped: number;
  rowsFailed: number;
  rowsDeleted: number;
  tokens: number;
  costUsd: number;
}

export interface RunStart {
  runId: string;
  kind: RunKind;
  sourceId: string;
  sinkId: string;
  /** Embedder id, e.g. `openai/text-embedding-3-small`. */
  model: string;
  fingerprint: string;
  /** Price used for this run, USD per 1M tokens, and where it came from. */
  usdPerMillionTokens: number;
  priceSource: string;
  /** Source versions the run reads (a scan: both the same). */
  fromVersion?: number;
  toVersion?: number;
  /** Free-form options worth keeping (text column, key columns…); never credentials. */
  options?: Record<string, unknown>;
  startedAt: Date;
}

export interface RunRecord extends RunStart {
  status: RunStatus;
  counters: RunCounters;
  finishedAt?: Date;
  error?: string;
  /** The process that started the run, where the ledger records it. */
  process?: RunProcess;
}

/** Who runs (or ran) a run: a killed run stays `running` in the ledger until the next run. */
export interface RunProcess {
  pid: number;
  hostname: string;
  /**
   * For a run still `running`: whether its process is alive — false when it ran on this
   * host and that pid is gone; undefined when it ran on another host (no way to check
   * from here) or the run is over.
   */
  alive?: boolean;
}

export interface RunFinish {
  status: Exclude<RunStatus, 'running'>;
  counters: RunCounters;
  finishedAt: Date;
  error?: string;
}

/** One live point as the ledger knows it. */
export interface LivePoint {
  sinkId: string;
  pointId: string;
  sourceId: string;
  key: string;
  contentHash: string;
  fingerprint: string;
  model: string;
  tokens: number;
  costUsd: number;
  runId: string;
  updatedAt: Date;
}

export type HistoryAction = 'upsert' | 'delete' | 'erase';

export interface HistoryEntry {
  action: HistoryAction;
  sinkId: string;
  pointId: string;
  sourceId: string;
  key: string;
  contentHash?: string;
  fingerprint?: string;
  runId: string;
  at: Date;
  /** For `erase`: why (a request reference), never the text. */
  reason?: string;
}

export interface FailureRecord {
  runId: string;
  sinkId: string;
  sourceId: string;
  key: string;
  pointId: string;
  /** Stable error code, e.g. `input-rejected`. */
  code: string;
  /** Why, with no piece of the input text in it (the engine cuts any it quotes). */
  reason: string;
  /** SHA-256 of the text that failed, and its length in characters: the ledger keeps no text. */
  contentHash?: string;
  textLength?: number;
  at: Date;
}

/** Everything one engine batch changes, committed in one transaction after the sink acknowledged. */
export interface LedgerBatch {
  runId: string;
  sinkId: string;
  upserts: Omit<LivePoint, 'sinkId' | 'runId' | 'updatedAt'>[];
  deletes: { pointId: string; sourceId: string; key: string }[];
  failures: Omit<FailureRecord, 'runId' | 'sinkId' | 'at'>[];
  at: Date;
}

export interface CheckpointRef {
  sourceId: string;
  sinkId: string;
  fingerprint: string;
}

export interface Checkpoint extends CheckpointRef {
  /** Last source version fully applied. */
  version: number;
  runId: string;
  updatedAt: Date;
}

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

export interface LedgerV1 {
  readonly specificationVersion: 'v1';
  /**
   * Records a run and takes the lock on (source, sink). A second run on the same
   * pair gets a `LockedError` naming the run that holds it; a lock whose process is
   * gone (same host, dead pid) is taken over.
   */
  startRun(run: RunStart): Promise<void>;
  /** Records the outcome and releases the lock. */
  finishRun(runId: string, finish: RunFinish): Promise<void>;
  /** Live points of `sinkId` among `pointIds`: one query per batch. */
  getPoints(sinkId: string, pointIds: string[]): Promise<Map<string, LivePoint>>;
  /** For each content hash, one live point in `sinkId` embedded with `fingerprint` (to reuse its vector). */
  findByContentHash(
    sinkId: string,
    fingerprint: string,
    contentHashes: string[],
  ): Promise<Map<string, LivePoint>>;
  /** One transaction: live points, history, failures. */
  commitBatch(batch: LedgerBatch): Promise<void>;
  getCheckpoint(ref: CheckpointRef): Promise<Checkpoint | undefined>;
  setCheckpoint(checkpoint: Omit<Checkpoint, 'updatedAt'>): Promise<void>;
  /** Records that points were erased on request (proof of erasure) and removes them from the live set. */
  recordErasure(
    entries: {
      sinkId: string;
      pointId: string;
      sourceId: string;
      key: string;
      runId: string;
      reason?: string;
    }[],
  ): Promise<void>;
  cost(query: CostQuery): Promise<CostRow[]>;
  provenance(query: ProvenanceQuery): Promise<Provenance[]>;
  recentRuns(options?: { sinkId?: string; limit?: number }): Promise<RunRecord[]>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  failures(options: { runId?: string; sinkId?: string; limit?: number }): Promise<FailureRecord[]>;
  /** Number of live points of a sink (to hold against the sink's own count). */
  countPoints(sinkId: string): Promise<number>;
  /**
   * Optional: reads the whole store and throws a `LedgerError` naming it when it is
   * damaged (`drift status` calls it, so a corrupt ledger is never reported "in step").
   */
  checkIntegrity?(): Promise<void>;
  /** Optional: live points of one source in one sink, a page at a time (sweep, verify). */
  livePoints?(query: LivePointsQuery): Promise<LivePoint[]>;
  /** Optional: every sink the ledger recorded a run or a point in for this source. */
  sinksOfSource?(sourceId: string): Promise<string[]>;
  /** Optional: which of `pointIds` were erased on request (and not written again since). */
  erasedPoints?(pointIds: string[]): Promise<Set<string>>;
  /** Optional: keeps an erasure receipt (no text, no content hash). */
  saveErasureReceipt?(receipt: ErasureReceipt): Promise<void>;
  /** Optional: the receipts of a key digest, oldest first. */
  erasureReceipts?(keyDigest: string): Promise<ErasureReceipt[]>;
  /** Optional: the migrations between models (`drift migrate`), their steps, runs and spend. */
  readonly migrations?: MigrationStoreV1;
  close(): Promise<void>;
}

export type Ledger = LedgerV1;
