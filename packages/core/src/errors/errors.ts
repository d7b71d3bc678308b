import { DriftError, type DriftErrorOptions } from './drift-error.js';
import { ErrorCode } from './error-codes.js';

/** "Too many requests": retryable, after `retryAfterMs` when the other side said how long. */
export class RateLimitedError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.RateLimited, message, { ...options, isRetryable: true });
    this.name = 'RateLimitedError';
  }
}

/** A failure that may pass on its own (a timeout, a 5xx, a dropped connection): retryable. */
export class TransientError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Transient, message, { ...options, isRetryable: true });
    this.name = 'TransientError';
  }
}

/** The provider refused one input of a call: that row fails alone, the run goes on. */
export class InputRejectedError extends DriftError {
  /** Index of the rejected input within the call, when the provider said which. */
  readonly inputIndex: number | undefined;

  constructor(message: string, options: DriftErrorOptions & { inputIndex?: number } = {}) {
    super(ErrorCode.InputRejected, message, { ...options, isRetryable: false });
    this.name = 'InputRejectedError';
    this.inputIndex = options.inputIndex;
  }
}

/** A provider's vector that carries nothing (all zeros, or not finite): never stored. */
export class InvalidVectorError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.InvalidVector, message, { ...options, isRetryable: false });
    this.name = 'InvalidVectorError';
  }
}

/**
 * A sink cannot store a point as it is (a value its store refuses, a constraint of the
 * user's table). The engine isolates the point by splitting the write, fails that row
 * alone and writes the rest.
 */
export class PointRejectedError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.PointRejected, message, { ...options, isRetryable: false });
    this.name = 'PointRejectedError';
  }
}

/** A failure no retry mends (bad credentials, a wrong model name): the run stops. */
export class FatalError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Fatal, message, { ...options, isRetryable: false });
    this.name = 'FatalError';
  }
}

/** A plugin was handed more than its declared limits allow (inputs, tokens, points per write). */
export class LimitExceededError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.LimitExceeded, message, options);
    this.name = 'LimitExceededError';
  }
}

/** The store holds vectors of another size than the embedder makes: refused at `open()`. */
export class DimensionMismatchError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.DimensionMismatch, message, options);
    this.name = 'DimensionMismatchError';
  }
}

/** Another run holds the lock on this (source, sink): wait for it, or stop it. */
export class LockedError extends DriftError {
  /** The run that holds the lock. */
  readonly holderRunId: string;

  constructor(message: string, options: DriftErrorOptions & { holderRunId: string }) {
    super(ErrorCode.Locked, message, options);
    this.name = 'LockedError';
    this.holderRunId = options.holderRunId;
  }
}

/** A plugin implements a `specificationVersion` this version of core does not know. */
export class UnsupportedSpecificationError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.UnsupportedSpecification, message, options);
    this.name = 'UnsupportedSpecificationError';
  }
}

/** A plugin was used out of order: before `open()`, after `close()`, or opened twice. */
export class PluginStateError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.PluginState, message, options);
    this.name = 'PluginStateError';
  }
}

/** The caller's `AbortSignal` fired: the call stopped without finishing. */
export class AbortedError extends DriftError {
  constructor(message = 'The run was aborted.', options: DriftErrorOptions = {}) {
    super(ErrorCode.Aborted, message, options);
    this.name = 'AbortedError';
  }
}

/** The run would spend more than its `maxCostUsd`: it stopped before the call that crossed it. */
export class CostLimitError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.CostLimit, message, options);
    this.name = 'CostLimitError';
  }
}

/** An argument or option is wrong (a missing column, a bad URI): fix the call. */
export class InvalidInputError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.InvalidInput, message, options);
    this.name = 'InvalidInputError';
  }
}

/** A source failure. `reason` is a finer, stable sub-code such as `table-not-found`. */
export class SourceError extends DriftError {
  readonly reason: string;

  constructor(reason: string, message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Source, message, options);
    this.name = 'SourceError';
    this.reason = reason;
  }
}

/** A sink failure that is neither retryable nor one refused point (e.g. a table it cannot use). */
export class SinkError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Sink, message, options);
    this.name = 'SinkError';
  }
}

/** A ledger failure (a damaged or newer database, a failed write). */
export class LedgerError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Ledger, message, options);
    this.name = 'LedgerError';
  }
}
