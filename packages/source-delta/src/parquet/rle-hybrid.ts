/**
 * Parquet's RLE / bit-packed hybrid (definition levels, dictionary indices, RLE booleans),
 * decoded from `bytes[start, end)` into `output[0, count)`. Returns the offset after the
 * last run read. Runs past `count` are cut, as hyparquet does.
 */
export function decodeRleHybrid(
  bytes: Uint8Array,
  start: number,
  end: number,
  bitWidth: number,
  count: number,
  output: Int32Array | Uint8Array,
): number {
  let position = start;
  let seen = 0;
  const mask = bitWidth === 32 ? -1 : (1 << bitWidth) - 1;
  const valueBytes = (bitWidth + 7) >> 3;
  while (seen < count) {
    if (position >= end) throw new Error('parquet RLE data ended early');
    let header = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[position++]!;
      header += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    if (header % 2 === 0) {
      // a run of one value
      let value = 0;
      for (let index = 0; index < valueBytes; index++) value |= bytes[position++]! << (index * 8);
      const runEnd = Math.min(count, seen + header / 2);
      output.fill(value, seen, runEnd);
      seen = runEnd;
      continue;
    }
    // groups of 8 bit-packed values, least significant bit first
    const values = ((header - 1) / 2) * 8;
    const runEnd = Math.min(count, seen + values);
    if (bitWidth === 1) {
      for (let index = 0; seen < runEnd; index++) {
        const byte = bytes[position + (index >> 3)]!;
        output[seen++] = (byte >> (index & 7)) & 1;
      }
    } else {
      let bit = position * 8;
      while (seen < runEnd) {
        let byteIndex = bit >> 3;
        let shift = bit & 7;
        let value = 0;
        let got = 0;
        while (got < bitWidth) {
          value |= (bytes[byteIndex]! >> shift) << got;
          got += 8 - shift;
          shift = 0;
          byteIndex++;
        }
        output[seen++] = value & mask;
        bit += bitWidth;
      }
    }
    position += (values * bitWidth) / 8;
  }
  return position;
}
