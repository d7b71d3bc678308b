/**
 * The flat decoder's per-value loops, each a small function of its own. V8 optimizes the
 * function a hot loop is in together with everything it inlines: with these loops inside
 * the per-page functions (flat-page.ts), every such function was compiled with its
 * decompressor, level decoder and dictionary code inlined, 10–35 ms of compiler threads
 * each time and often twice (on-stack replacement, then the whole function), which was
 * most of what a fresh process spends on a small change feed beyond delta-rs. Now only
 * these loops get hot; the per-page functions run once per page and are not compiled.
 */

/** Value `i` of `count` length-prefixed (PLAIN BYTE_ARRAY) values from `position` is bytes `[starts[i], ends[i])`. */
export function lengthPrefixedRanges(
  view: DataView,
  position: number,
  count: number,
  starts: Int32Array,
  ends: Int32Array,
): void {
  for (let index = 0; index < count; index++) {
    const length = view.getUint32(position, true);
    starts[index] = position + 4;
    position += 4 + length;
    ends[index] = position;
  }
}

/** Where the value after `count` length-prefixed values from `position` starts. */
export function skipLengthPrefixed(view: DataView, position: number, count: number): number {
  for (let value = 0; value < count; value++) position += 4 + view.getUint32(position, true);
  return position;
}

/** The rows of a page that the flat decoder writes, and where in the output the first goes. */
export interface RowSpan {
  /** Per row of the page: 1 where it has a value; undefined when every row has one. */
  levels: Uint8Array | undefined;
  /** The page's rows `[from, end)` are written ... */
  from: number;
  end: number;
  /** ... to the output from this position on. */
  at: number;
}

/**
 * Rows of a PLAIN string page, values from `position`: each row with a value points at
 * its bytes in source `index` (the page).
 */
export function plainStringRows(
  view: DataView,
  position: number,
  span: RowSpan,
  index: number,
  source: Int32Array,
  starts: Int32Array,
  ends: Int32Array,
): void {
  const { levels, end } = span;
  let at = span.at;
  for (let row = span.from; row < end; row++, at++) {
    if (levels !== undefined && levels[row] !== 1) continue;
    const length = view.getUint32(position, true);
    source[at] = index;
    starts[at] = position + 4;
    position += 4 + length;
    ends[at] = position;
  }
}

/** Rows of a dictionary-encoded string page: each row with a value points at its entry of source `index` (the dictionary). */
export function dictionaryStringRows(
  indices: Int32Array,
  value: number,
  span: RowSpan,
  index: number,
  source: Int32Array,
  entries: Int32Array,
): void {
  const { levels, end } = span;
  let at = span.at;
  for (let row = span.from; row < end; row++, at++) {
    if (levels !== undefined && levels[row] !== 1) continue;
    source[at] = index;
    entries[at] = indices[value++]!;
  }
}

/**
 * Copies values `value...` of `source` (`width` words each) to the rows with a value,
 * marking them in `valid` when the column is optional.
 */
export function numberRows(
  source: Int32Array | Uint8Array,
  value: number,
  span: RowSpan,
  target: Int32Array | Uint8Array,
  width: number,
  valid: Uint8Array | undefined,
): void {
  const { levels, end } = span;
  let at = span.at;
  for (let row = span.from; row < end; row++, at++) {
    if (levels !== undefined && levels[row] !== 1) continue;
    if (valid !== undefined) valid[at] = 1;
    for (let word = 0; word < width; word++)
      target[at * width + word] = source[value * width + word]!;
    value++;
  }
}

/**
 * Looks up `count` dictionary indices: entry `indices[i]` of `dictionary` (`width` words
 * each) to value `i` of `target`. False at an index out of range.
 */
export function gatherNumbers(
  indices: Int32Array,
  count: number,
  dictionary: Int32Array | Uint8Array,
  target: Int32Array | Uint8Array,
  width: number,
): boolean {
  const entries = dictionary.length / width;
  for (let index = 0; index < count; index++) {
    const entry = indices[index]!;
    if (entry >= entries) return false;
    for (let word = 0; word < width; word++)
      target[index * width + word] = dictionary[entry * width + word]!;
  }
  return true;
}
