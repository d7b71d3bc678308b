/** Where an id was seen, and what the sink said of it. */
export const InTable = 1;
export const InLedger = 2;
export const InSink = 4;
/** The sink's point carries another model than the one verified. */
export const SinkOtherModel = 8;

/** One of the three sides' 64-bit content-hash prefix slots. */
export type Side = 0 | 1 | 2;
export const TableSide: Side = 0;
export const LedgerSide: Side = 1;
export const SinkSide: Side = 2;

const emptyHash = 0xffffffff;

/**
 * Point ids of the table, the ledger and the sink, with each side's content hash, in one
 * open-addressing hash table over typed arrays: 41 bytes a slot (a 128-bit id, three
 * 64-bit hash prefixes, flags), about 80 MB for a million points where Maps of strings
 * take ten times that. 64 bits of SHA-256 tell two texts apart with certainty in practice.
 */
export class PointTable {
  #capacity: number;
  #ids: Uint32Array;
  #hashes: Uint32Array;
  #flags: Uint8Array;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.#capacity = initialCapacity;
    this.#ids = new Uint32Array(initialCapacity * 4);
    this.#hashes = new Uint32Array(initialCapacity * 6).fill(emptyHash);
    this.#flags = new Uint8Array(initialCapacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Records that `side` holds the point `id` with this content hash (hex) and these flags. */
  add(id: string, side: Side, contentHash: string, flags: number): void {
    const slot = this.#slotOf(id, true);
    this.#flags[slot]! |= flags;
    const at = slot * 6 + side * 2;
    this.#hashes[at] = Number.parseInt(contentHash.slice(0, 8), 16) >>> 0;
    this.#hashes[at + 1] = Number.parseInt(contentHash.slice(8, 16), 16) >>> 0;
  }

  /** Every recorded id: its flags and whether the hashes of two sides agree. */
  *entries(): Generator<{ id: string; flags: number; same: (a: Side, b: Side) => boolean }> {
    const hashes = this.#hashes;
    let current = 0;
    const same = (a: Side, b: Side) =>
      hashes[current * 6 + a * 2] === hashes[current * 6 + b * 2] &&
      hashes[current * 6 + a * 2 + 1] === hashes[current * 6 + b * 2 + 1];
    for (let slot = 0; slot < this.#capacity; slot++) {
      const flags = this.#flags[slot]!;
      if (flags === 0) continue;
      current = slot;
      yield { id: this.#idAt(slot), flags, same };
    }
  }

  #slotOf(id: string, insert: boolean): number {
    if (insert && (this.#size + 1) * 10 > this.#capacity * 7) this.#grow();
    const w0 = Number.parseInt(id.slice(0, 8), 16) >>> 0;
    const w1 = Number.parseInt(id.slice(9, 13) + id.slice(14, 18), 16) >>> 0;
    const w2 = Number.parseInt(id.slice(19, 23) + id.slice(24, 28), 16) >>> 0;
    const w3 = Number.parseInt(id.slice(28, 36), 16) >>> 0;
    return this.#place(w0, w1, w2, w3);
  }

  #place(w0: number, w1: number, w2: number, w3: number): number {
    const mask = this.#capacity - 1;
    // UUIDv5 ids are SHA-1 output: their bits are already uniform.
    let slot = (w0 ^ w3) & mask;
    const ids = this.#ids;
    for (;;) {
      if (this.#flags[slot] === 0) {
        ids[slot * 4] = w0;
        ids[slot * 4 + 1] = w1;
        ids[slot * 4 + 2] = w2;
        ids[slot * 4 + 3] = w3;
        this.#size++;
        return slot;
      }
      if (
        ids[slot * 4] === w0 &&
        ids[slot * 4 + 1] === w1 &&
        ids[slot * 4 + 2] === w2 &&
        ids[slot * 4 + 3] === w3
      )
        return slot;
      slot = (slot + 1) & mask;
    }
  }

  #grow(): void {
    const old = {
      capacity: this.#capacity,
      ids: this.#ids,
      hashes: this.#hashes,
      flags: this.#flags,
    };
    this.#capacity *= 2;
    this.#ids = new Uint32Array(this.#capacity * 4);
    this.#hashes = new Uint32Array(this.#capacity * 6).fill(emptyHash);
    this.#flags = new Uint8Array(this.#capacity);
    this.#size = 0;
    for (let slot = 0; slot < old.capacity; slot++) {
      const flags = old.flags[slot]!;
      if (flags === 0) continue;
      const to = this.#place(
        old.ids[slot * 4]!,
        old.ids[slot * 4 + 1]!,
        old.ids[slot * 4 + 2]!,
        old.ids[slot * 4 + 3]!,
      );
      this.#flags[to] = flags;
      this.#hashes.set(old.hashes.subarray(slot * 6, slot * 6 + 6), to * 6);
    }
  }

  #idAt(slot: number): string {
    const hex = (word: number) => word.toString(16).padStart(8, '0');
    const a = hex(this.#ids[slot * 4]!);
    const b = hex(this.#ids[slot * 4 + 1]!);
    const c = hex(this.#ids[slot * 4 + 2]!);
    const d = hex(this.#ids[slot * 4 + 3]!);
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }
}
