/**
 * The Ledger is Drift's memory: runs, one row per live point, an append-only history,
 * checkpoints and failures. It never stores raw text or credentials.
 */

import type { ErasureReceipt, LivePointsQuery } from './ledger-maintenance-v1.js';
import type { MigrationStoreV1 } from './migration-v1.js';

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
  /**
   * Pending writes (`notePendingWrite` ids) this batch records the outcome of: removed in
   * the same transaction. Only for a ledger with the pending-write pair.
   */
  settles?: number[];
}

/**
 * What one batch is about to write to a sink, noted before the write: the ledger batch it
 * will commit if all goes well (its upserts with their cost, its deletes). When the
 * process dies between the sink's acknowledgement and the ledger's commit, the next run
 * of the same (source, sink) reads what the sink holds for these points and records it,
 * so the ledger never misses a point the sink holds (nor keeps one it lost).
 */
export interface PendingWrite {
  runId: string;
  sourceId: string;
  sinkId: string;
  upserts: LedgerBatch['upserts'];
  deletes: LedgerBatch['deletes'];
}

/** A pending write as the ledger keeps it until a batch settles it. */
export interface PendingWriteRecord extends PendingWrite {
  id: number;
  at: Date;
}

/**
 * A vector taken out of the sink because the text of its chunk changed, kept by the
 * ledger so the same text coming back (an edit undone) reuses it instead of paying again.
 */
export interface RetiredVector {
  sourceId: string;
  key: string;
  contentHash: string;
  fingerprint: string;
  vector: Float32Array;
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

/** One erased point, as `recordErasure` takes it. */
export interface ErasureEntry {
  sinkId: string;
  pointId: string;
  sourceId: string;
  key: string;
  runId: string;
  /** A request reference given by the user, never the text. */
  reason?: string;
}

/**
 * The engine contract: what `embed`, `sync`, `recover`, `forget`, `verify` and `repair`
 * write to and read from a ledger, and all a custom ledger must implement (the
 * reporting queries of the CLI are a second interface, `LedgerReportsV1`).
 *
 * Required: runs and the (source, sink) lock, live points, atomic batches and
 * checkpoints. Optional capabilities, each checked before use: `livePoints` (the sweep
 * of a full `embed`, and `verify`), the erasure group (`recordErasure`, `erasedPoints`,
 * `sinksOfSource`, `saveErasureReceipt`: all four or none, for `forget`) and
 * `migrations` (`drift migrate`). The core README has the table of what each must guarantee.
 */
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
  /**
   * Runs newest first (start time, then start order), of one sink when `sinkId` is
   * given; at most `limit` (default 20). The engine reads them to resume a sync and to
   * find a recreated table.
   */
  recentRuns(options?: { sinkId?: string; limit?: number }): Promise<RunRecord[]>;
  /** Live points of `sinkId` among `pointIds`: one query per batch. */
  getPoints(sinkId: string, pointIds: string[]): Promise<Map<string, LivePoint>>;
  /** For each content hash, one live point in `sinkId` embedded with `fingerprint` (to reuse its vector). */
  findByContentHash(
    sinkId: string,
    fingerprint: string,
    contentHashes: string[],
  ): Promise<Map<string, LivePoint>>;
  /** Number of live points of a sink (held against the sink's own count: a lost sink is re-checked). */
  countPoints(sinkId: string): Promise<number>;
  /** One transaction: live points, history, failures; a batch that fails changes nothing. */
  commitBatch(batch: LedgerBatch): Promise<void>;
  getCheckpoint(ref: CheckpointRef): Promise<Checkpoint | undefined>;
  setCheckpoint(checkpoint: Omit<Checkpoint, 'updatedAt'>): Promise<void>;
  /**
   * Optional: live points of one source in one sink, a page at a time. Without it a full
   * `embed` does not delete the points of rows gone from the table (a `sync` over the
   * change feed still does) and `verify` refuses.
   */
  livePoints?(query: LivePointsQuery): Promise<LivePoint[]>;
  /**
   * Optional: the live points of these keys of one source in one sink, every point of
   * each (a chunked row has one per chunk): one query per batch. Chunking (`chunking`)
   * needs it, to delete the chunks a row no longer has.
   */
  pointsOfKeys?(sinkId: string, sourceId: string, keys: string[]): Promise<LivePoint[]>;
  /**
   * Optional (erasure group): records that points were erased on request (proof of
   * erasure) and removes them from the live set, forgetting their content hashes and
   * failure records.
   */
  recordErasure?(entries: ErasureEntry[]): Promise<void>;
  /** Optional (erasure group): which of `pointIds` were erased on request (and not written again since). */
  erasedPoints?(pointIds: string[]): Promise<Set<string>>;
  /** Optional (erasure group): every sink the ledger recorded a run in for this source. */
  sinksOfSource?(sourceId: string): Promise<string[]>;
  /** Optional (erasure group): keeps an erasure receipt (no text, no content hash). */
  saveErasureReceipt?(receipt: ErasureReceipt): Promise<void>;
  /**
   * Optional (retired vectors: both or none): keeps vectors the engine took out of
   * `sinkId` when a chunk's text changed, or when a change range moved a row's text to
   * another key. The ledger bounds how many it keeps (the oldest
   * go first); `recordErasure` drops those of the erased keys, `dropSink` those of the sink.
   */
  keepRetiredVectors?(sinkId: string, vectors: RetiredVector[]): Promise<void>;
  /** Optional (retired vectors): the kept vector of each of these content hashes embedded with `fingerprint`. */
  findRetiredVectors?(
    sinkId: string,
    fingerprint: string,
    contentHashes: string[],
  ): Promise<Map<string, Float32Array>>;
  /**
   * Optional: forgets a sink the user dropped (`drift apply --destroy`): its live points,
   * checkpoints and failures. Runs and history stay, so cost reports keep what was paid.
   */
  dropSink?(sinkId: string): Promise<DroppedSink>;
  /**
   * Optional (pending writes: both or none): notes the points a batch is about to write
   * to a sink, before it writes them, in its own transaction; the batch's `commitBatch`
   * settles it (`LedgerBatch.settles`). Returns its id.
   */
  notePendingWrite?(write: PendingWrite): Promise<number>;
  /**
   * Optional (pending writes): the unsettled pending writes of (source, sink), oldest
   * first: the batches of runs that died (or failed) between a sink write and its commit.
   */
  pendingWrites?(sourceId: string, sinkId: string): Promise<PendingWriteRecord[]>;
  /** Optional: the migrations between models (`drift migrate`), their steps, runs and spend. */
  readonly migrations?: MigrationStoreV1;
  close(): Promise<void>;
}

/** What `dropSink` removed from the ledger. */
export interface DroppedSink {
  points: number;
  checkpoints: number;
}

export type Ledger = LedgerV1;
