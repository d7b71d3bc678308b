/**
 * Memory for the decompressed pages of one slice of a row group, reused by the next slice
 * of the same file. A fresh buffer per page cost the kernel a page fault per 4 KiB written
 * (a third of the 1M-row change feed's faults, ~10% of its CPU as system time); a slice's
 * pages all die together, when the slice's rows are built, so they can share buffers
 * that the next slice overwrites.
 *
 * Only the flat-column decoder takes pages from here: its values are copied out (numbers
 * into typed arrays, strings decoded when the row is built) before the next slice. A page
 * that hyparquet decodes may end up inside a row (binary values are views of the page),
 * so it never comes from an arena.
 */
export class PageArena {
  private readonly chunks: Uint8Array[] = [];
  /** The chunk being filled, and how much of it is handed out. */
  private current = 0;
  private used = 0;

  /** `length` bytes, valid until the next `reset`; their content is whatever was there. */
  allocate(length: number): Uint8Array {
    // 8-byte aligned, so typed arrays can view numbers in place
    const size = Math.ceil(length / 8) * 8;
    while (this.current < this.chunks.length) {
      const chunk = this.chunks[this.current]!;
      if (this.used + size <= chunk.length) {
        const bytes = chunk.subarray(this.used, this.used + length);
        this.used += size;
        return bytes;
      }
      this.current++;
      this.used = 0;
    }
    const chunk = takeChunk(size);
    this.chunks.push(chunk);
    this.current = this.chunks.length - 1;
    this.used = size;
    return chunk.subarray(0, length);
  }

  /** Everything handed out may now be overwritten: call only when nothing refers to it. */
  reset(): void {
    this.current = 0;
    this.used = 0;
  }

  /** Gives the memory to the next file's arena: call when nothing refers to it any more. */
  release(): void {
    for (const chunk of this.chunks.splice(0)) giveChunk(chunk);
    this.reset();
  }
}

/** Bytes per chunk; a larger page gets a chunk of its own, never kept for reuse. */
const chunkBytes = 4 * 1024 * 1024;
/** Free chunks kept between files (a change feed reads many small files one after another). */
const keptChunks = 8;
const free: Uint8Array[] = [];

function takeChunk(size: number): Uint8Array {
  if (size <= chunkBytes) return free.pop() ?? new Uint8Array(chunkBytes);
  return new Uint8Array(size);
}

function giveChunk(chunk: Uint8Array): void {
  if (chunk.length === chunkBytes && free.length < keptChunks) free.push(chunk);
}
