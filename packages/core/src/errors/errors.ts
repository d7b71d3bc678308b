import { DriftError, type DriftErrorOptions } from './drift-error.js';
import { ErrorCode } from './error-codes.js';

export class RateLimitedError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.RateLimited, message, { ...options, isRetryable: true });
    this.name = 'RateLimitedError';
  }
}

export class TransientError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Transient, message, { ...options, isRetryable: true });
    this.name = 'TransientError';
  }
}

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

export class FatalError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Fatal, message, { ...options, isRetryable: false });
    this.name = 'FatalError';
  }
}

export class LimitExceededError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.LimitExceeded, message, options);
    this.name = 'LimitExceededError';
  }
}

export class DimensionMismatchError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.DimensionMismatch, message, options);
    this.name = 'DimensionMismatchError';
  }
}

export class LockedError extends DriftError {
  /** The run that holds the lock. */
  readonly holderRunId: string;

  constructor(message: string, options: DriftErrorOptions & { holderRunId: string }) {
    super(ErrorCode.Locked, message, options);
    this.name = 'LockedError';
    this.holderRunId = options.holderRunId;
  }
}

export class UnsupportedSpecificationError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.UnsupportedSpecification, message, options);
    this.name = 'UnsupportedSpecificationError';
  }
}

export class PluginStateError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.PluginState, message, options);
    this.name = 'PluginStateError';
  }
}

export class AbortedError extends DriftError {
  constructor(message = 'The run was aborted.', options: DriftErrorOptions = {}) {
    super(ErrorCode.Aborted, message, options);
    this.name = 'AbortedError';
  }
}

export class CostLimitError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.CostLimit, message, options);
    this.name = 'CostLimitError';
  }
}

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

export class SinkError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Sink, message, options);
    this.name = 'SinkError';
  }
}

export class LedgerError extends DriftError {
  constructor(message: string, options: DriftErrorOptions = {}) {
    super(ErrorCode.Ledger, message, options);
    this.name = 'LedgerError';
  }
}
