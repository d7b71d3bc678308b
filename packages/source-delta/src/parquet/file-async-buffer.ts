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

/** A hyparquet `AsyncBuffer` over a `DeltaFileSystem` file. */
export async function createFileAsyncBuffer(
  fileSystem: DeltaFileSystem,
  path: string,
  size: number,
  signal?: AbortSignal,
): Promise<AsyncBuffer> {
  if (size <= wholeFileLimit) {
    const bytes = await fileSystem.read(path, { signal });
    const buffer = toArrayBuffer(bytes);
    return { byteLength: buffer.byteLength, slice: (start, end) => buffer.slice(start, end) };
  }
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await fileSystem.read(path, { range: { start, end: end ?? size }, signal });
      return toArrayBuffer(bytes);
    },
  };
}
