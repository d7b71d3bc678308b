/**
 * `@drift-spark/core`: what an application or a plugin author needs, and nothing more.
 * Every name below is stable and documented at its declaration. Helpers for building
 * plugins live in `@drift-spark/core/internal` (unstable); test doubles and the
 * conformance suites in `@drift-spark/core/testkit`. A new export here is a decision:
 * `pnpm api:report` records it in `api/core.api.json`, which CI checks.
 */

// (Names documented here where their declaring file is not this index's to edit.)
export type {
  DriftEvent,
  /** The `type` of every progress event: `run-start`, `batch-end`, `row-fail`, … */
  DriftEventType,
} from './engine/engine-events.js';
// The engine: a full scan, a change-feed range, their dry-run plans, erasure and checks.
export { planEmbed, planSync } from './engine/engine-plan.js';
// Errors: a stable `code`, `DriftError.isInstance` across copies of this package.
export { RecoveryNeededError } from './engine/engine-recovery-need.js';
export { embed } from './engine/engine-run.js';
export { sync } from './engine/engine-sync.js';
export type {
  /** Options of `embed` and `planEmbed`: the run's plugins and columns, and a version to read. */
  EmbedRunOptions,
  PlanResult,
  /** How the engine retries a failed provider or sink call: attempts and backoff. */
  RetryOptions,
  RowFailure,
  RunOptions,
  RunResult,
  /** What `sync` did: the counters of a run, the version range applied and its net effect. */
  SyncResult,
  /** Options of `sync` and `planSync`: the run's plugins and columns, and a version range. */
  SyncRunOptions,
} from './engine/engine-types.js';
export { DriftError, type DriftErrorOptions } from './errors/drift-error.js';
export { ErrorCode } from './errors/error-codes.js';
export {
  AbortedError,
  CostLimitError,
  DimensionMismatchError,
  FatalError,
  InputRejectedError,
  InvalidInputError,
  InvalidVectorError,
  LedgerError,
  LimitExceededError,
  LockedError,
  PluginStateError,
  PointRejectedError,
  RateLimitedError,
  SinkError,
  SourceError,
  TransientError,
  UnsupportedSpecificationError,
} from './errors/errors.js';
export { NoChangeFeedError } from './errors/no-change-feed-error.js';
// Identity: canonical keys, point ids, content hashes, embedder fingerprints.
export { contentHash } from './identity/content-hash.js';
export { embedderFingerprint } from './identity/fingerprint.js';
export { encodeKey } from './identity/key-encoding.js';
export { pointId } from './identity/point-id.js';
export { type ForgetOptions, type ForgetResult, forget } from './maintenance/forget.js';
export { type RepairOptions, type RepairResult, repair } from './maintenance/repair.js';
export { type VerifyOptions, type VerifyResult, verify } from './maintenance/verify.js';

// Ready-made plugins: deterministic shadow vectors, embedder middleware, in-memory stores.
export {
  createMemoryLedger,
  /** An in-memory ledger: the engine contract and the reports. */
  type MemoryLedger,
  /** Options of `createMemoryLedger`. */
  type MemoryLedgerOptions,
} from './memory/memory-ledger.js';
export {
  createMemorySink,
  /** Options of `createMemorySink`: its id, and a store to share between sinks. */
  type MemorySinkOptions,
} from './memory/memory-sink.js';
export {
  type EmbedderMiddleware,
  type WrapEmbedderOptions,
  wrapEmbedder,
} from './middleware/embedder-middleware.js';
export { shadowMode } from './middleware/shadow-mode.js';
// Output without credentials: for plugin ids and error messages.
export { redactSecrets, redactUri } from './redaction/redact-secrets.js';
export { createShadowEmbedder, type ShadowEmbedderOptions } from './shadow/shadow-embedder.js';

// The plugin contracts (specification v1) and the values they carry.
export type {
  Embedder,
  EmbedderLimits,
  EmbedderPrice,
  EmbedderV1,
  EmbedOptions,
  EmbedResult,
} from './spec/embedder-v1.js';
export type {
  /** What cost is grouped by: `model`, `sink`, `source` or `run`. */
  CostDimension,
  /** A cost report's grouping and time range. */
  CostQuery,
  /** One group of a cost report: tokens and USD. */
  CostRow,
  /** The reporting queries the CLI asks of a ledger (optional beside `Ledger`). */
  LedgerReports,
  /** The reporting interface (specification v1): cost, provenance, runs, failures. */
  LedgerReportsV1,
  /** Where a point came from: its live record and its history. */
  Provenance,
  /** A provenance lookup: by point id, or by key (and optionally source and sink). */
  ProvenanceQuery,
} from './spec/ledger-reports-v1.js';
export type {
  /** The last source version fully applied for one (source, sink, fingerprint). */
  Checkpoint,
  /** Which checkpoint: one per (source, sink, embedder fingerprint). */
  CheckpointRef,
  /** One erased point, recorded by `forget`. */
  ErasureEntry,
  /** A row that failed in a run, with its reason (never the text). */
  FailureRecord,
  /** What happened to a point: `upsert`, `delete` or `erase`. */
  HistoryAction,
  /** One entry of a point's append-only history. */
  HistoryEntry,
  /** What the engine needs of a ledger: the contract a custom ledger implements. */
  Ledger,
  LedgerBatch,
  /** The ledger contract (specification v1): runs, live points, history, checkpoints, cost. */
  LedgerV1,
  LivePoint,
  /** What a batch is about to write to a sink, noted in the ledger before the write. */
  PendingWrite,
  /** A pending write as the ledger keeps it until a batch's commit settles it. */
  PendingWriteRecord,
  /** A vector of an edited chunk that the ledger keeps, in case its text comes back. */
  RetiredVector,
  RunCounters,
  /** How a run ended: its status, counters and error. */
  RunFinish,
  /** What a run did: `embed`, `sync`, `migrate`, `forget` or `repair`. */
  RunKind,
  RunProcess,
  /** A run as the ledger keeps it: its start, status and counters. */
  RunRecord,
  /** A run as it starts: its id, kind, source, sink, model and price. */
  RunStart,
  /** `running`, `succeeded`, `partial` or `failed`. */
  RunStatus,
} from './spec/ledger-v1.js';
export type {
  Distance,
  Point,
  PointPayload,
  SearchHit,
  Sink,
  SinkAlias,
  SinkBuildProgress,
  SinkCallOptions,
  SinkCapabilities,
  SinkFinalizeOptions,
  SinkOpenOptions,
  SinkOpenResult,
  SinkSearchIndex,
  SinkV1,
  StoredPoint,
} from './spec/sink-v1.js';
export type {
  CellValue,
  Change,
  ChangeBatch,
  ChangeType,
  ColumnInfo,
  Row,
  RowBatch,
  Source,
  SourceChangesOptions,
  SourceDescription,
  SourceScanOptions,
  SourceV1,
} from './spec/source-v1.js';
