/**
 * The point ids a full scan read, kept as 64-bit prefixes in one growing typed array
 * (8 bytes a row: 8 MB at a million rows, where a Set of strings takes ~100 MB).
 * Two ids sharing a prefix only make a gone row look seen: it is then not swept, never
 * the other way round, so a collision can cost a stale point, never a live one.
 */
export class SeenPoints {
  #ids = new BigUint64Array(1024);
  #size = 0;
  #sorted = true;

  get size(): number {
    return this.#size;
  }

  add(pointId: string): void {
    if (this.#size === this.#ids.length) {
      const grown = new BigUint64Array(this.#ids.length * 2);
      grown.set(this.#ids);
      this.#ids = grown;
    }
    this.#ids[this.#size++] = prefixOf(pointId);
    this.#sorted = false;
  }

  has(pointId: string): boolean {
    if (!this.#sorted) {
      this.#ids = this.#ids.slice(0, this.#size).sort();
      this.#sorted = true;
    }
    const wanted = prefixOf(pointId);
    let low = 0;
    let high = this.#size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.#ids[middle]!;
      if (value === wanted) return true;
      if (value < wanted) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

/** The first 64 bits of a UUID (its first 16 hex digits, dashes skipped). */
export function prefixOf(pointId: string): bigint {
  return BigInt(`0x${pointId.slice(0, 8)}${pointId.slice(9, 13)}${pointId.slice(14, 18)}`);
}
