/** Every stable error code Drift uses. Plugins may add their own, prefixed by their name. */
export const ErrorCode = {
  /** The provider asked us to slow down; `retryAfterMs` when it said how long. */
  RateLimited: 'rate-limited',
  /** A passing fault (5xx, timeout, connection reset): try again. */
  Transient: 'transient',
  /** The provider refused one input (`inputIndex` says which, when known). */
  InputRejected: 'input-rejected',
  /** Authentication or configuration: trying again will not help. */
  Fatal: 'fatal',
  /** The provider answered with a vector that carries nothing (all zeros, or not finite numbers). */
  InvalidVector: 'invalid-vector',
  /** A sink cannot store one point as it is (`pointId` says which, when known). */
  PointRejected: 'point-rejected',
  /** An embedder or sink was handed more than its declared limits. */
  LimitExceeded: 'limit-exceeded',
  /** A sink's existing table/collection has another dimension or model. */
  DimensionMismatch: 'dimension-mismatch',
  /** Another run holds the (source, sink) lock. */
  Locked: 'locked',
  /** A plugin declares a specification version this engine does not know. */
  UnsupportedSpecification: 'unsupported-specification',
  /** A plugin was used after close, or before open. */
  PluginState: 'plugin-state',
  /** The run was aborted. */
  Aborted: 'aborted',
  /** `--max-cost` would be exceeded. */
  CostLimit: 'cost-limit',
  /** Bad user input: a missing column, a bad key, a bad option. */
  InvalidInput: 'invalid-input',
  /** The source cannot be read (missing table, unsupported feature, vacuumed file…). */
  Source: 'source',
  /** The sink failed or is unreachable. */
  Sink: 'sink',
  /** The ledger failed. */
  Ledger: 'ledger',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
