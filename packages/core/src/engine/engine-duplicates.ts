import type { RunState } from './engine-state.js';

/** How many duplicate keys a run names in its warning. */
const exampleCount = 5;

/**
 * Counts the rows of one snapshot scan whose key an earlier row of the scan already had
 * (the engine keeps the last row read of each key). A compact open-addressing set of 60
 * bits of each point id (a UUIDv5, so those bits are uniform): 11–21 bytes per distinct
 * key, a few MB per million rows. A collision (odds ~n²/2⁶¹) would only over-count a warning.
 */
export class DuplicateKeys {
  /** Rows whose key was seen before in this scan. */
  count = 0;
  /** The first few duplicated keys, for the warning. */
  readonly examples: string[] = [];
  #slots = new Uint32Array(2 * 1024);
  #size = 0;

  /** Records a row's point id; true when the scan already had a row with that key. */
  add(pointId: string, key: string): boolean {
    // Hex digits 0–7 and 9–12, 15–17 of the UUID (14 is the version nibble, 8 and 13 dashes).
    const high = Number.parseInt(pointId.slice(0, 8), 16) >>> 0;
    const low = Number.parseInt(pointId.slice(9, 13) + pointId.slice(15, 18), 16) >>> 0 || 1;
    if (this.#insert(high, low)) return false;
    this.count++;
    if (this.examples.length < exampleCount && !this.examples.includes(key))
      this.examples.push(key);
    return true;
  }

  /** Inserts a fingerprint; false when it was there already. */
  #insert(high: number, low: number): boolean {
    const mask = this.#slots.length / 2 - 1;
    let slot = (high ^ Math.imul(low, 0x9e3779b1)) & mask;
    for (;;) {
      const at = slot * 2;
      if (this.#slots[at + 1] === 0) break;
      if (this.#slots[at] === high && this.#slots[at + 1] === low) return false;
      slot = (slot + 1) & mask;
    }
    this.#slots[slot * 2] = high;
    this.#slots[slot * 2 + 1] = low;
    if (++this.#size * 4 > (this.#slots.length / 2) * 3) this.#grow();
    return true;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#size = 0;
    for (let at = 0; at < old.length; at += 2)
      if (old[at + 1] !== 0) this.#insert(old[at]!, old[at + 1]!);
  }
}

/** Tells the caller that the key columns do not identify a row (before the run ends). */
export function warnDuplicates(state: RunState, duplicates: DuplicateKeys): void {
  if (duplicates.count === 0) return;
  state.emit({
    type: 'duplicate-keys',
    runId: state.runId,
    count: duplicates.count,
    examples: [...duplicates.examples],
  });
}
