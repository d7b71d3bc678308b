import { setMaxListeners } from 'node:events';
import { zeroCounters } from '../ledger-support/ledger-support.js';
import type { Embedder } from '../spec/embedder-v1.js';
import type { Ledger, RunCounters, RunKind } from '../spec/ledger-v1.js';
import type { Sink } from '../spec/sink-v1.js';
import type { Source } from '../spec/source-v1.js';
import { AdaptiveLimiter } from './engine-concurrency.js';
import type { DriftEvent } from './engine-events.js';
import type { RunSettings } from './engine-settings.js';
import type { DedupLedger, SinkLoss } from './engine-sink-truth.js';
import type { RowFailure, RunOptions } from './engine-types.js';

/** Why a run stopped early; decides whether batches still in flight may write what they have. */
export type StopKind = 'abort' | 'read' | 'embed' | 'write';

/** Net-effect counters of a sync: an upsert whose point the ledger already had is an update. */
export interface ChangeCounters {
  inserted: number;
  updated: number;
  deleted: number;
}

/**
 * One run as its stages share it: who and what (ids, plugins), the settings fixed
 * before it starts, the counters it adds up, and how it stops.
 */
export class RunState {
  readonly runId: string;
  readonly kind: RunKind;
  readonly source: Source;
  readonly sink: Sink;
  readonly embedder: Embedder;
  readonly ledger: Ledger;
  readonly sourceId: string;
  readonly sinkId: string;
  readonly fingerprint: string;
  readonly model: string;
  readonly usdPerToken: number;
  /** The options with their defaults applied (columns, batch size, dedup, limits, retry). */
  readonly settings: RunSettings;
  readonly limiter: AdaptiveLimiter;
  /** The caller's signal: aborts everything, writes included. */
  readonly userSignal: AbortSignal | undefined;
  readonly #controller = new AbortController();
  readonly counters: RunCounters = zeroCounters();
  readonly changes: ChangeCounters = { inserted: 0, updated: 0, deleted: 0 };
  readonly failures: RowFailure[] = [];
  /** What the dedup step reads: the ledger, or the ledger checked against the sink once the sink lost points. */
  dedupLedger: DedupLedger;
  /** Set when the sink held fewer points than the ledger records at the start of the run. */
  sinkLoss: SinkLoss | undefined = undefined;
  /** Batches from this one on reconcile a snapshot against the sink: not part of a sync's net effect. */
  reconcileFromBatch = Number.POSITIVE_INFINITY;
  /** Cost of the embedder calls in flight, as estimated before each call (for `maxCostUsd`). */
  reservedCostUsd = 0;
  batches = 0;
  /** Rows skipped because they were erased on request (`drift forget`). */
  forgotten = 0;
  /** Batches of an earlier run that reached the sink but not the ledger, recorded at the start. */
  settledWrites = 0;
  stopError: unknown = undefined;
  stopKind: StopKind | undefined = undefined;
  readonly #onEvent: ((event: DriftEvent) => void) | undefined;

  constructor(kind: RunKind, runId: string, options: RunOptions, settings: RunSettings) {
    this.kind = kind;
    this.runId = runId;
    this.source = options.source;
    this.sink = options.sink;
    this.embedder = options.embedder;
    this.ledger = options.ledger;
    this.dedupLedger = options.ledger;
    this.sourceId = options.source.id;
    this.sinkId = options.sink.id;
    this.fingerprint = options.embedder.fingerprint;
    this.model = options.embedder.id;
    this.usdPerToken = options.embedder.price.usdPerMillionTokens / 1e6;
    this.settings = settings;
    this.limiter = new AdaptiveLimiter(settings.concurrency, (limit) =>
      this.emit({ type: 'concurrency-change', runId, concurrency: limit }),
    );
    this.userSignal = options.signal;
    this.#onEvent = options.onEvent;
    // Every waiting call and backoff listens to this signal; many at once is expected.
    setMaxListeners(0, this.#controller.signal);
    if (options.signal) {
      if (options.signal.aborted) this.#controller.abort(options.signal.reason);
      else
        options.signal.addEventListener(
          'abort',
          () => this.#controller.abort(options.signal!.reason),
          { once: true },
        );
    }
  }

  /** Aborted on the caller's abort and on any stop: embedder calls, retries and reads listen to it. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get stopped(): boolean {
    return this.stopKind !== undefined;
  }

  /** Records the first reason to stop and aborts work in flight. */
  stop(error: unknown, kind: StopKind): void {
    if (this.stopKind === undefined) {
      this.stopError = error;
      this.stopKind = this.userSignal?.aborted ? 'abort' : kind;
    }
    if (!this.#controller.signal.aborted) this.#controller.abort(error);
  }

  /** Whether a batch still in flight may write what it has after a stop. */
  get mayWrite(): boolean {
    return this.stopKind === undefined || this.stopKind === 'embed' || this.stopKind === 'read';
  }

  recordFailure(failure: RowFailure): void {
    this.counters.rowsFailed++;
    if (this.failures.length < 100) this.failures.push(failure);
    this.emit({
      type: 'row-fail',
      runId: this.runId,
      key: failure.key,
      code: failure.code,
      reason: failure.reason,
    });
  }

  emit(event: DriftEvent): void {
    if (!this.#onEvent) return;
    try {
      this.#onEvent(event);
    } catch {
      // A listener's bug must not break a run that is writing to a sink and a ledger.
    }
  }
}
