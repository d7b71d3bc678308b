import { type AsyncBuffer, type ColumnChunk, type Compressors, readOffsetIndex } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import type { WholeFileBuffer } from './file-async-buffer.js';
import {
  type FlatColumnState,
  readDataPage,
  readDictionaryPage,
  UnsupportedPage,
} from './flat-page.js';
import { type FlatKind, NumberValues, StringValues } from './flat-values.js';
import type { PageArena } from './page-arena.js';

export interface FlatColumnRead {
  file: AsyncBuffer;
  chunk: ColumnChunk;
  kind: FlatKind;
  nullable: boolean;
  compressors: Compressors;
  /** Compressed bytes per read when only some pages are read (one page at least). */
  readBytes?: number;
  /** Memory for the decompressed pages, reused once the values are no longer needed. */
  arena?: PageArena;
  /** Rows of the row group. */
  groupRows: number;
  /** The rows to decode, relative to the row group. */
  rowStart: number;
  rowEnd: number;
}

/** Encodings the flat decoder reads (RLE: levels and booleans; BIT_PACKED: listed by old writers for absent levels). */
const supportedEncodings = new Set([
  'PLAIN',
  'PLAIN_DICTIONARY',
  'RLE_DICTIONARY',
  'RLE',
  'BIT_PACKED',
]);

/** Whether a column chunk uses only encodings the flat decoder reads. */
export function isFlatChunk(chunk: ColumnChunk): boolean {
  const meta = chunk.meta_data;
  return (
    meta !== undefined &&
    chunk.file_path === undefined &&
    meta.path_in_schema.length === 1 &&
    meta.encodings.every((encoding) => supportedEncodings.has(encoding))
  );
}

/**
 * Decodes rows `[rowStart, rowEnd)` of a flat column chunk straight into typed arrays (or
 * string byte ranges): no value object per row, levels read as bytes. Only the pages that
 * hold the rows are fetched when the file has an offset index; pages before the rows are
 * skipped undecoded. Throws `UnsupportedPage` for a page it does not handle.
 */
export async function readFlatColumn(read: FlatColumnRead): Promise<StringValues | NumberValues> {
  const { chunk, kind, rowStart, rowEnd } = read;
  const meta = chunk.meta_data!;
  const length = rowEnd - rowStart;
  const state: FlatColumnState = {
    kind,
    maxDefinition: read.nullable ? 1 : 0,
    dictionarySource: -1,
    codec: meta.codec,
    compressors: read.compressors,
    ...(read.arena === undefined ? {} : { arena: read.arena }),
    output:
      kind === 'string' ? new StringValues(length) : new NumberValues(kind, length, read.nullable),
  };
  const chunkStart = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const chunkEnd = chunkStart + Number(meta.total_compressed_size);
  const narrowed = rowStart > 0 || rowEnd < read.groupRows;
  if (narrowed && chunk.offset_index_offset !== undefined && chunk.offset_index_length) {
    const start = Number(chunk.offset_index_offset);
    const index = await read.file.slice(start, start + chunk.offset_index_length);
    const pages = readOffsetIndex({ view: new DataView(index), offset: 0 }).page_locations;
    if (pages.length === 0) throw new UnsupportedPage('empty offset index');
    let first = 0;
    while (first + 1 < pages.length && Number(pages[first + 1]!.first_row_index) <= rowStart)
      first++;
    let last = first;
    while (last + 1 < pages.length && Number(pages[last + 1]!.first_row_index) < rowEnd) last++;
    const dictionaryEnd = Number(pages[0]!.offset);
    if (chunkStart < dictionaryEnd && first > 0) {
      const dictionary = await slice(read.file, chunkStart, dictionaryEnd);
      readPages(state, dictionary, 0, rowStart, rowEnd);
    }
    // A few pages per read, each decoded before the next is fetched: the compressed bytes
    // of a whole slice are never held at once.
    for (const run of pageRuns(pages, first, last, read.readBytes ?? defaultReadBytes)) {
      const from = run.first === 0 ? chunkStart : Number(pages[run.first]!.offset);
      const end = Number(pages[run.last]!.offset) + pages[run.last]!.compressed_page_size;
      const bytes = await slice(read.file, from, end);
      readPages(state, bytes, Number(pages[run.first]!.first_row_index), rowStart, rowEnd);
    }
  } else {
    readPages(state, await slice(read.file, chunkStart, chunkEnd), 0, rowStart, rowEnd);
  }
  return state.output;
}

/** Compressed bytes per read of a narrowed chunk: a slice's pages are fetched in a few reads. */
const defaultReadBytes = 4 * 1024 * 1024;

type PageLocation = ReturnType<typeof readOffsetIndex>['page_locations'][number];

/** Consecutive pages `first..last` in runs of about `readBytes` each (one page at least). */
function pageRuns(
  pages: readonly PageLocation[],
  first: number,
  last: number,
  readBytes: number,
): { first: number; last: number }[] {
  const runs: { first: number; last: number }[] = [];
  let runFirst = first;
  let bytes = 0;
  for (let page = first; page <= last; page++) {
    bytes += pages[page]!.compressed_page_size;
    if (bytes >= readBytes || page === last) {
      runs.push({ first: runFirst, last: page });
      runFirst = page + 1;
      bytes = 0;
    }
  }
  return runs;
}

/** Bytes `[start, end)` of the file; not copied when the file is held whole in memory. */
async function slice(file: AsyncBuffer, start: number, end: number): Promise<Uint8Array> {
  if ('view' in file) return (file as WholeFileBuffer).view(start, end);
  return new Uint8Array(await file.slice(start, end));
}

/** Reads the pages of `bytes` (whose first data page starts at row `firstRow`) until `rowEnd`. */
function readPages(
  state: FlatColumnState,
  bytes: Uint8Array,
  firstRow: number,
  rowStart: number,
  rowEnd: number,
): void {
  const reader = {
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    offset: 0,
  };
  let row = firstRow;
  while (row < rowEnd && reader.offset < bytes.length - 1) {
    const header = parquetHeader(reader);
    const compressed = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    if (compressed.length !== header.compressed_page_size)
      throw new Error('parquet column chunk ended inside a page');
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      readDictionaryPage(state, header, compressed);
      continue;
    }
    if (header.type === 'INDEX_PAGE') continue;
    const rows =
      header.data_page_header?.num_values ?? header.data_page_header_v2?.num_rows ?? undefined;
    if (rows === undefined) throw new UnsupportedPage(header.type);
    if (row + rows > rowStart) {
      const from = Math.max(0, rowStart - row);
      readDataPage(state, header, compressed, from, rowEnd - row, row + from - rowStart);
    }
    row += rows;
  }
}
