import type { AsyncBuffer } from 'hyparquet';
import type { ByteRange, DeltaFileSystem } from '../file-system/delta-file-system.js';

/** Ranges closer than this are fetched in one request (Arrow's hole_size_limit). */
const gapBytes = 8 * 1024;
/** A range larger than this is fetched as concurrent ranged requests of this size. */
export const partBytes = 8 * 1024 * 1024;

interface Block {
  start: number;
  end: number;
  /** Bytes of the prefetched ranges it holds not yet sliced; dropped at 0. */
  unread: number;
  data: Promise<ArrayBuffer>;
}

/** A hyparquet `AsyncBuffer` over ranged reads, that can fetch ranges before they are asked for. */
export interface RangedBuffer extends AsyncBuffer {
  /**
   * Starts fetching `ranges` (coalesced where they nearly touch). A fetched block is kept
   * until `slice` has served its bytes once, so memory holds only what was fetched ahead.
   */
  prefetch(ranges: ByteRange[]): void;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return bytes.buffer as ArrayBuffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

/**
 * Reads of one file of an object store by byte range. A large range is split into parts
 * read concurrently (the file system bounds how many requests are in flight), since one
 * stream from a store is slower than several.
 */
export function createRangedBuffer(
  fileSystem: DeltaFileSystem,
  path: string,
  size: number,
  signal?: AbortSignal,
): RangedBuffer {
  const blocks: Block[] = [];
  const read = (start: number, end: number) =>
    fileSystem.read(path, { range: { start, end }, signal });
  const fetchRange = async (start: number, end: number): Promise<ArrayBuffer> => {
    if (end - start <= partBytes) return toArrayBuffer(await read(start, end));
    const parts: Promise<Uint8Array>[] = [];
    for (let offset = start; offset < end; offset += partBytes)
      parts.push(read(offset, Math.min(end, offset + partBytes)));
    const whole = new Uint8Array(end - start);
    let offset = 0;
    for (const part of await Promise.all(parts)) {
      whole.set(part, offset);
      offset += part.length;
    }
    return whole.buffer;
  };
  return {
    byteLength: size,
    prefetch(ranges) {
      const sorted = ranges
        .filter((range) => range.end > range.start)
        .sort((left, right) => left.start - right.start);
      const merged: Omit<Block, 'data'>[] = [];
      for (const range of sorted) {
        const last = merged.at(-1);
        if (last && range.start - last.end <= gapBytes) {
          last.unread += Math.max(0, range.end - Math.max(last.end, range.start));
          last.end = Math.max(last.end, range.end);
        } else merged.push({ start: range.start, end: range.end, unread: range.end - range.start });
      }
      for (const block of merged) {
        const data = fetchRange(block.start, block.end);
        data.catch(() => {}); // a failure surfaces at the slice that needs it
        blocks.push({ ...block, data });
      }
    },
    async slice(start, end = size) {
      const index = blocks.findIndex((block) => block.start <= start && end <= block.end);
      if (index < 0) return fetchRange(start, end);
      const block = blocks[index]!;
      block.unread -= end - start;
      if (block.unread <= 0) blocks.splice(index, 1);
      const data = await block.data;
      if (start === block.start && end === block.end) return data;
      return data.slice(start - block.start, end - block.start);
    },
  };
}
