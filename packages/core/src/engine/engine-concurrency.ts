import { sleep } from './engine-retry.js';

/** The pace is measured over the rate limits of about this long... */
const PACE_WINDOW_MS = 60_000;
/** ...and at least this long. */
const MIN_PACE_WINDOW_MS = 100;
/** While paced, each accepted call raises the pace by this share of the last measured rate (probing upward). */
const PACE_PROBE = 0.002;

/**
 * Calls in flight, adaptive, and their pace after a rate limit.
 *
 * Concurrency: additive increase, multiplicative decrease (AIMD). A rate limit halves the
 * limit (once per "window": calls that started before the last decrease do not decrease it
 * again); `limit` successes in a row add one back, up to the maximum.
 *
 * The gate: a rate limit holds every new call, not only the refused one, until its
 * `retryAfterMs` (or the backoff delay) has passed, so the calls queued behind it do not
 * land on the same empty bucket one after another.
 *
 * The pace: from the second rate limit on, new calls start no faster than the tokens the
 * provider accepted between rate limits over about the last minute (the bucket was empty
 * at each, so that is its refill rate): a call of T tokens holds the next start back by
 * T / rate. Each
 * accepted call raises the pace a little, so a raised limit is found again; the next rate
 * limit measures it afresh.
 */
export class AdaptiveLimiter {
  #limit: number;
  readonly #max: number;
  #active = 0;
  #generation = 0;
  #successes = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #onChange: (limit: number) => void;
  readonly #now: () => number;
  /** No call starts before this time (ms). */
  #gateUntil = 0;
  /** The next call starts no earlier than this (ms), when paced. */
  #nextStartAt = 0;
  /** Tokens per ms new calls are paced at; undefined until measured. */
  #rate: number | undefined;
  #measuredRate = 0;
  /** Tokens accepted so far, and that count at each rate limit of about the last minute. */
  #accepted = 0;
  readonly #marks: { at: number; accepted: number }[] = [];

  constructor(
    max: number,
    onChange: (limit: number) => void = () => {},
    now: () => number = () => performance.now(),
  ) {
    this.#max = Math.max(1, Math.floor(max));
    this.#limit = this.#max;
    this.#onChange = onChange;
    this.#now = now;
  }

  get limit(): number {
    return this.#limit;
  }

  get active(): number {
    return this.#active;
  }

  /** Tokens per second new calls are paced at, or undefined when not paced. */
  get tokensPerSecond(): number | undefined {
    return this.#rate === undefined ? undefined : this.#rate * 1000;
  }

  /**
   * Waits for a slot, the gate and the pace; returns the generation to hand back to
   * `rateLimited`. `tokens` is what the call is expected to spend (for the pace).
   */
  async acquire(signal?: AbortSignal, tokens = 0): Promise<number> {
    for (;;) {
      while (this.#active >= this.#limit) await this.#waitForSlot(signal);
      const wait = Math.max(this.#gateUntil, this.#nextStartAt) - this.#now();
      if (wait > 0) {
        // Not holding a slot while waiting: whoever wakes first takes the next start.
        await sleep(wait, signal);
        continue;
      }
      break;
    }
    this.#active++;
    if (this.#rate !== undefined && tokens > 0)
      this.#nextStartAt = Math.max(this.#now(), this.#nextStartAt) + tokens / this.#rate;
    return this.#generation;
  }

  release(): void {
    this.#active--;
    this.#wake();
  }

  /** A call succeeded; `tokens` is what the provider accepted for it. */
  succeeded(tokens = 0): void {
    this.#accepted += Math.max(0, tokens);
    if (this.#rate !== undefined) this.#rate += this.#measuredRate * PACE_PROBE;
    this.#successes++;
    if (this.#successes >= this.#limit && this.#limit < this.#max) {
      this.#successes = 0;
      this.#limit++;
      this.#onChange(this.#limit);
      this.#wake();
    }
  }

  /**
   * A call that started in `generation` was rate-limited; no new call starts for
   * `delayMs` (the provider's retry-after, or the backoff delay).
   */
  rateLimited(generation: number, delayMs = 0): void {
    const now = this.#now();
    this.#gateUntil = Math.max(this.#gateUntil, now + Math.max(0, delayMs));
    this.#successes = 0;
    if (generation !== this.#generation) return;
    this.#generation++;
    this.#measurePace(now);
    const next = Math.max(1, Math.floor(this.#limit / 2));
    if (next !== this.#limit) {
      this.#limit = next;
      this.#onChange(next);
    }
  }

  /**
   * Sets the pace to the tokens accepted per ms since the oldest rate limit of the last
   * minute (the latest one before it, when none came within the minute): the bucket was
   * about empty at both ends, so that is its refill rate, and a longer window smooths out
   * the calls that were in flight at either end.
   */
  #measurePace(now: number): void {
    const marks = this.#marks;
    while (marks.length > 1 && marks[1]!.at <= now - PACE_WINDOW_MS) marks.shift();
    const oldest = marks[0];
    if (oldest && now - oldest.at >= MIN_PACE_WINDOW_MS) {
      const accepted = this.#accepted - oldest.accepted;
      if (accepted > 0) {
        this.#measuredRate = accepted / (now - oldest.at);
        this.#rate = this.#measuredRate;
      } else if (this.#rate !== undefined) {
        // Nothing got through in all that time at this pace: slow down.
        this.#rate /= 2;
      }
    }
    marks.push({ at: now, accepted: this.#accepted });
  }

  #waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiting.indexOf(wake);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(wake);
    });
  }

  /** Wakes as many waiters as there are free slots; each re-checks before it takes one. */
  #wake(): void {
    let free = this.#limit - this.#active;
    while (free-- > 0 && this.#waiting.length > 0) this.#waiting.shift()!();
  }
}
