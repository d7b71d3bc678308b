import type { ChunkSpec } from '../chunking/chunk-spec.js';
import type { Embedder } from '../spec/embedder-v1.js';
import type { Ledger, RunCounters, RunStatus } from '../spec/ledger-v1.js';
import type { Sink } from '../spec/sink-v1.js';
import type { Source } from '../spec/source-v1.js';
import type { DriftEvent } from './engine-events.js';
import type { RecoveryReason } from './engine-recovery-need.js';
import type { SinkLoss } from './engine-sink-truth.js';

/** What every engine run needs: the plugins, the columns, and how to behave. */
export interface RunOptions {
  source: Source;
  sink: Sink;
  embedder: Embedder;
  ledger: Ledger;
  /** The column whose text is embedded. */
  textColumn: string;
  /** Key columns; the canonical key of a row is `encodeKey(row, keyColumns)`. Default `['id']`. */
  keyColumns?: string[];
  /** Extra columns stored in the point's `metadata`. */
  metadataColumns?: string[];
  /** Rows per source batch (also the ledger transaction size). Default 1000. */
  batchSize?: number;
  /** Embedder calls in flight at most (capped by the embedder's `limits.maxConcurrentCalls`). Default 4. */
  concurrency?: number;
  /** Skip rows whose point already holds the same content hash and fingerprint. Default true. */
  dedup?: boolean;
  /** Store the text in the point's `content`. Default true. */
  storeContent?: boolean;
  /**
   * Cut each row's text into chunks (`parseChunkSpec('markdown')`, `tokens:512,overlap:64`…)
   * and embed each chunk as its own point (`chunkPointId`), its payload carrying the row's
   * key and metadata plus `chunk_index`, `chunk_count`, `chunk_start`, `chunk_end` (in
   * `metadata`). Unchanged chunk texts are not paid again. Needs a ledger with `pointsOfKeys`.
   * With chunking, the row counters of the result count chunks (points).
   */
  chunking?: ChunkSpec;
  /** Stop before spending more than this (USD, estimated from token counts before each call). */
  maxCostUsd?: number;
  /** Retry policy for retryable embedder and sink errors. */
  retry?: RetryOptions;
  /**
   * Embed rows erased on request (`drift forget`) again when the table still holds them.
   * Default false: they are skipped and counted in `rowsForgotten` (the request wins).
   */
  includeForgotten?: boolean;
  /**
   * Build what the sink deferred to the end of a load (its `finalize`, e.g. pgvector's
   * search index) after the run's last write, before the run resolves. Default true;
   * pass false to call `sink.finalize()` yourself (the CLI does, to show its progress).
   */
  finalize?: boolean;
  /** Use this run id instead of a new one. */
  runId?: string;
  /**
   * Where the source lives (a table's folder or URI, without credentials), recorded with
   * each run: a table recreated there has a new id, and recovery finds the old one by it.
   */
  location?: string;
  signal?: AbortSignal;
  /** Typed progress events; library code never prints. */
  onEvent?: (event: DriftEvent) => void;
}

export interface RetryOptions {
  /** Attempts per call including the first. Default 8. */
  maxAttempts?: number;
  /** First backoff. Default 500 ms. */
  initialDelayMs?: number;
  /** Longest backoff. Default 60 s. */
  maxDelayMs?: number;
}

export interface EmbedRunOptions extends RunOptions {
  /** Read the source as of this version (time travel); default the latest. */
  version?: number;
}

export interface SyncRunOptions extends RunOptions {
  /**
   * First version to apply, inclusive. Default: the version after the checkpoint of
   * (source, sink, fingerprint); with no checkpoint, bootstrap from a snapshot of the
   * latest version and follow the feed from the next version.
   */
  fromVersion?: number;
  /** Last version to apply, inclusive. Default the latest. */
  toVersion?: number;
  /**
   * Apply only what costs nothing (deletes, texts that became empty) and leave the
   * checkpoint where it is, so the upserts come later: a spent daily budget.
   */
  deletesOnly?: boolean;
}

/** A failed row, as reported in a result (the ledger keeps them all). */
export interface RowFailure {
  key: string;
  pointId: string;
  code: string;
  reason: string;
}

/** The result of `embed` (and the base of every run result). Counter names as DESIGN §7. */
export interface RunResult extends RunCounters {
  runId: string;
  status: Exclude<RunStatus, 'running'>;
  durationS: number;
  /** Up to 100 failed rows; the ledger has every one. */
  failures: RowFailure[];
  /**
   * Rows of a snapshot scan whose key an earlier row of the scan had: the key does not
   * identify a row. The last row read of each key is the one in the sink. 0 for a change range.
   */
  duplicateKeys: number;
  /** Rows skipped because they were erased on request (see `includeForgotten`). */
  rowsForgotten: number;
  /**
   * Points deleted by the sweep of a full `embed` (their rows are gone from the table);
   * included in `rowsDeleted`. 0 for a change range and for a scan that did not finish.
   */
  rowsSwept: number;
  /** The error that failed the run, when status is `failed`. */
  error?: string;
  /** The Drift error code of `error`, when it has one (e.g. `cost-limit`). */
  errorCode?: string;
  /**
   * Set when the sink held fewer points than the ledger records (it was dropped,
   * deleted or emptied): the run checked every row against the sink, re-adopted the
   * points it still held and wrote the rest.
   */
  sinkLoss?: SinkLoss;
  /**
   * Set when an earlier run died between writing batches to the sink and recording them
   * in the ledger: how many such batches this run recorded first, from what the sink holds.
   */
  pendingWritesSettled?: number;
}

export interface SyncResult extends RunResult {
  /**
   * First version applied (inclusive); for a bootstrap, the snapshot version. When
   * nothing was new (`upToDate`), the version the sink is already at, equal to `toVersion`.
   */
  sinceVersion: number;
  /** Last version applied (inclusive). */
  toVersion: number;
  /** Nothing after the checkpoint: nothing was read and no run was recorded. */
  upToDate: boolean;
  /** Whether this run bootstrapped from a snapshot (no checkpoint yet). */
  bootstrapped: boolean;
  inserted: number;
  updated: number;
  deleted: number;
  /** Set when the run failed because the feed cannot go on from the checkpoint: `recover` repairs it. */
  recoveryNeeded?: RecoveryReason;
}

/** What a run would do, without calling the provider or writing (`--dry-run`). */
export interface PlanResult {
  rowsProcessed: number;
  /** Rows whose text would be embedded (paid). */
  rowsToEmbed: number;
  /** Rows whose vector would be copied from an identical text already in the sink. */
  rowsToReuse: number;
  /** Rows unchanged (already embedded with the same text and fingerprint). */
  rowsDeduped: number;
  /** Rows with null or empty text. */
  rowsSkipped: number;
  /** Rows erased on request that would be skipped (see `includeForgotten`). */
  rowsForgotten: number;
  /** Rows of a snapshot scan whose key an earlier row had (see `RunResult.duplicateKeys`). */
  duplicateKeys: number;
  /** Points that would be deleted. */
  rowsToDelete: number;
  estimatedTokens: number;
  estimatedCostUsd: number;
  usdPerMillionTokens: number;
  /** A sync's plan: the net effect of the change feed, as the run would count it. */
  changes?: { inserted: number; updated: number; deleted: number };
}
