import type { FlatKind, NumberArray } from './flat-values.js';

/**
 * A typed array's elements as 32-bit words (bytes for booleans), so values are copied
 * as bits: no BigInt per 8-byte value, no NaN rewritten.
 */
export function words(array: NumberArray): Int32Array | Uint8Array {
  if (array instanceof Uint8Array) return array;
  return new Int32Array(array.buffer, array.byteOffset, array.byteLength / 4);
}

export function wordsPerValue(array: NumberArray): number {
  return array instanceof Uint8Array ? 1 : array.BYTES_PER_ELEMENT / 4;
}

/** `count` PLAIN values of a fixed-width kind from `page[start...]`. */
export function plainNumbers(
  kind: FlatKind,
  page: Uint8Array,
  start: number,
  count: number,
): NumberArray {
  if (kind === 'boolean') {
    const bits = new Uint8Array(count);
    for (let index = 0; index < count; index++)
      bits[index] = (page[start + (index >> 3)]! >> (index & 7)) & 1;
    return bits;
  }
  const width = kind === 'int64' || kind === 'double' ? 8 : 4;
  if (start + count * width > page.length) throw new Error('parquet page ended early');
  const offset = page.byteOffset + start;
  const buffer =
    offset % width === 0 ? page.buffer : page.slice(start, start + count * width).buffer;
  const at = offset % width === 0 ? offset : 0;
  switch (kind) {
    case 'int32':
      return new Int32Array(buffer, at, count);
    case 'int64':
      return new BigInt64Array(buffer, at, count);
    case 'float':
      return new Float32Array(buffer, at, count);
    default:
      return new Float64Array(buffer, at, count);
  }
}
