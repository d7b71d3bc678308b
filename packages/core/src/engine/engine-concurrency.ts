/**
 * Calls in flight, adaptive: additive increase, multiplicative decrease (AIMD).
 * A rate limit halves the limit (once per "window": calls that started before the
 * last decrease do not decrease it again); `limit` successes in a row add one back,
 * up to the maximum.
 */
export class AdaptiveLimiter {
  #limit: number;
  readonly #max: number;
  #active = 0;
  #generation = 0;
  #successes = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #onChange: (limit: number) => void;

  constructor(max: number, onChange: (limit: number) => void = () => {}) {
    this.#max = Math.max(1, Math.floor(max));
    this.#limit = this.#max;
    this.#onChange = onChange;
  }

  get limit(): number {
    return this.#limit;
  }

  get active(): number {
    return this.#active;
  }

  /** Waits for a slot; returns the generation to hand back to `rateLimited`. */
  async acquire(signal?: AbortSignal): Promise<number> {
    while (this.#active >= this.#limit) {
      await new Promise<void>((resolve, reject) => {
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
    this.#active++;
    return this.#generation;
  }

  release(): void {
    this.#active--;
    this.#wake();
  }

  succeeded(): void {
    this.#successes++;
    if (this.#successes >= this.#limit && this.#limit < this.#max) {
      this.#successes = 0;
      this.#limit++;
      this.#onChange(this.#limit);
      this.#wake();
    }
  }

  /** A call that started in `generation` was rate-limited. */
  rateLimited(generation: number): void {
    this.#successes = 0;
    if (generation !== this.#generation) return;
    this.#generation++;
    const next = Math.max(1, Math.floor(this.#limit / 2));
    if (next !== this.#limit) {
      this.#limit = next;
      this.#onChange(next);
    }
  }

  /** Wakes as many waiters as there are free slots; each re-checks before it takes one. */
  #wake(): void {
    let free = this.#limit - this.#active;
    while (free-- > 0 && this.#waiting.length > 0) this.#waiting.shift()!();
  }
}
