/**
 * A Snappy (raw format) decoder in JavaScript that writes straight into its output, for
 * pages that are mostly literals (text that barely compresses: delta-rs writes Snappy
 * by default). There hysnappy spends more copying the page into and out of
 * WebAssembly memory than decoding it: 126 → 59 ms CPU for 141 MB of such pages. On
 * well-compressed pages (many short back-references) hysnappy is ~3x faster, so
 * the SNAPPY decompressor (parquet-compressors.ts) picks by the compression ratio. Every byte of `output` is written (or it
 * throws), so it may be reused memory.
 */
export function snappyLiteralDecode(
  input: Uint8Array,
  outputLength: number,
  output: Uint8Array = new Uint8Array(outputLength),
): Uint8Array {
  if (output.length !== outputLength) throw new Error('snappy output buffer of the wrong size');
  let position = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = input[position++];
    if (byte === undefined || shift > 28) throw new Error('invalid snappy length header');
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (length !== outputLength) throw new Error('snappy length does not match the page header');
  if (decodeElements(input, position, output) !== outputLength)
    throw new Error('premature end of snappy input');
  return output;
}

/**
 * The stream's literals and back-references from `position` into `output`; returns how
 * many bytes were written. A function of its own so that the check after the loop is not
 * in the loop's optimized code: V8 compiled that code before the loop had ever ended and
 * deoptimized it at the check, up to six times per read.
 */
function decodeElements(input: Uint8Array, position: number, output: Uint8Array): number {
  const outputLength = output.length;
  let out = 0;
  while (position < input.length) {
    const tag = input[position++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let size = (tag >>> 2) + 1;
      if (size > 60) {
        const bytes = size - 60;
        size = 1;
        for (let index = 0; index < bytes; index++) size += input[position + index]! * 256 ** index;
        position += bytes;
      }
      if (position + size > input.length || out + size > outputLength)
        throw new Error('premature end of snappy input');
      output.set(input.subarray(position, position + size), out);
      position += size;
      out += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (kind === 1) {
      size = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[position++]!;
    } else if (kind === 2) {
      size = (tag >>> 2) + 1;
      offset = input[position]! | (input[position + 1]! << 8);
      position += 2;
    } else {
      size = (tag >>> 2) + 1;
      offset =
        (input[position]! |
          (input[position + 1]! << 8) |
          (input[position + 2]! << 16) |
          (input[position + 3]! << 24)) >>>
        0;
      position += 4;
    }
    if (offset === 0 || offset > out || out + size > outputLength)
      throw new Error('invalid snappy back-reference');
    // byte by byte (overlapping copies repeat the last `offset` bytes): a back-reference is
    // at most 64 bytes, and a `copyWithin` for the long ones was a property first read
    // after V8 had optimized this loop, deoptimizing it once per process (two more compiles)
    let from = out - offset;
    for (let index = 0; index < size; index++) output[out++] = output[from++]!;
  }
  return out;
}

/** Mostly literals: the compressed page is at least 90% of the output. */
export function isMostlyLiteral(input: Uint8Array, outputLength: number): boolean {
  return input.length * 10 >= outputLength * 9;
}
