import type { AsyncBuffer } from 'hyparquet';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';

/** Files up to this size are read in one call and served from memory. */
const wholeFileLimit = 4 * 1024 * 1024;

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

/**
 * A hyparquet `AsyncBuffer` over a file held whole in memory, which can also hand out a
 * range without copying it (hyparquet's `slice` must return a copy: an ArrayBuffer).
 */
export interface WholeFileBuffer extends AsyncBuffer {
  view(start: number, end: number): Uint8Array;
}

/** A hyparquet `AsyncBuffer` over a `DeltaFileSystem` file. */
export async function createFileAsyncBuffer(
  fileSystem: DeltaFileSystem,
  path: string,
  size: number,
  signal?: AbortSignal,
): Promise<AsyncBuffer | WholeFileBuffer> {
  if (size <= wholeFileLimit) {
    const bytes = await fileSystem.read(path, { signal });
    const buffer = toArrayBuffer(bytes);
    return {
      byteLength: buffer.byteLength,
      slice: (start, end) => buffer.slice(start, end),
      // clamped as `slice` is: a damaged footer's offsets then fail as a short page, not a RangeError
      view: (start, end) => {
        const from = Math.min(Math.max(0, start), buffer.byteLength);
        return new Uint8Array(buffer, from, Math.max(0, Math.min(end, buffer.byteLength) - from));
      },
    };
  }
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await fileSystem.read(path, { range: { start, end: end ?? size }, signal });
      return toArrayBuffer(bytes);
    },
  };
}
