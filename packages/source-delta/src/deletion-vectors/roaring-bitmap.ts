/** The magic number that starts a Delta deletion-vector bitmap (little-endian u32). */
export const deletionVectorMagic = 1681511377;

const serialCookieNoRun = 12346;
const serialCookie = 12347;
const noOffsetThreshold = 4;

class ByteReader {
  private readonly view: DataView;
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(count: number): void {
    if (this.offset + count > this.bytes.byteLength) throw new Error('roaring bitmap is truncated');
  }
  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }
  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }
  u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return Number(value);
  }
  skip(count: number): void {
    this.need(count);
    this.offset += count;
  }
  byte(index: number): number {
    this.need(index - this.offset + 1);
    return this.bytes[index]!;
  }
}

/** Reads one standard 32-bit RoaringBitmap (portable format) and adds `high + value` for each member. */
function readRoaring32(reader: ByteReader, high: number, output: number[]): void {
  const cookie = reader.u32();
  let size: number;
  let runFlagsStart = -1;
  if ((cookie & 0xffff) === serialCookie) {
    size = (cookie >>> 16) + 1;
    runFlagsStart = reader.offset;
    reader.skip(Math.ceil(size / 8));
  } else if (cookie === serialCookieNoRun) {
    size = reader.u32();
  } else {
    throw new Error(`unknown roaring cookie ${cookie}`);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let index = 0; index < size; index++) {
    keys.push(reader.u16());
    cardinalities.push(reader.u16() + 1);
  }
  const isRun = (index: number): boolean =>
    runFlagsStart >= 0 && (reader.byte(runFlagsStart + (index >> 3)) & (1 << (index & 7))) !== 0;
  if (runFlagsStart < 0 || size >= noOffsetThreshold) reader.skip(4 * size);
  for (let index = 0; index < size; index++) {
    const base = high + keys[index]! * 65536;
    if (isRun(index)) {
      const runs = reader.u16();
      for (let run = 0; run < runs; run++) {
        const start = reader.u16();
        const length = reader.u16();
        for (let value = start; value <= start + length; value++) output.push(base + value);
      }
    } else if (cardinalities[index]! <= 4096) {
      for (let item = 0; item < cardinalities[index]!; item++) output.push(base + reader.u16());
    } else {
      for (let word = 0; word < 2048; word++) {
        const bits = reader.u32();
        if (bits === 0) continue;
        for (let bit = 0; bit < 32; bit++) {
          if (bits & (1 << bit)) output.push(base + word * 32 + bit);
        }
      }
    }
  }
}

/**
 * Decodes a Delta deletion-vector bitmap: the magic number, then the 64-bit "portable"
 * Roaring format (a u64 bucket count; per bucket a u32 high key and a 32-bit RoaringBitmap).
 * Returns the row positions, ascending.
 */
export function decodeDeletionVectorBitmap(bytes: Uint8Array): number[] {
  const reader = new ByteReader(bytes);
  const magic = reader.u32();
  if (magic !== deletionVectorMagic) throw new Error(`bad deletion vector magic ${magic}`);
  const buckets = reader.u64();
  const output: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const high = reader.u32();
    readRoaring32(reader, high * 2 ** 32, output);
  }
  return output;
}
