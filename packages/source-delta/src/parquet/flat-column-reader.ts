import { type AsyncBuffer, type ColumnChunk, type Compressors, readOffsetIndex } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import {
  type FlatColumnState,
  readDataPage,
  readDictionaryPage,
  UnsupportedPage,
} from './flat-page.js';
import { type FlatKind, NumberValues, StringValues } from './flat-values.js';

export interface FlatColumnRead {
  file: AsyncBuffer;
  chunk: ColumnChunk;
  kind: FlatKind;
  nullable: boolean;
  compressors: Compressors;
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
    codec: meta.codec,
    compressors: read.compressors,
    output:
      kind === 'string' ? new StringValues(length) : new NumberValues(kind, length, read.nullable),
  };
  const chunkStart = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const chunkEnd = chunkStart + Number(meta.total_compressed_size);
  const buffers: { bytes: Uint8Array; firstRow: number }[] = [];
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
    const dataStart = Number(pages[first]!.offset);
    const dataEnd = Number(pages[last]!.offset) + pages[last]!.compressed_page_size;
    const dictionaryEnd = Number(pages[0]!.offset);
    if (chunkStart < dictionaryEnd && first > 0)
      buffers.push({ bytes: await slice(read.file, chunkStart, dictionaryEnd), firstRow: 0 });
    const from = first > 0 ? dataStart : chunkStart;
    buffers.push({
      bytes: await slice(read.file, from, dataEnd),
      firstRow: Number(pages[first]!.first_row_index),
    });
  } else {
    buffers.push({ bytes: await slice(read.file, chunkStart, chunkEnd), firstRow: 0 });
  }
  for (const { bytes, firstRow } of buffers) readPages(state, bytes, firstRow, rowStart, rowEnd);
  return state.output;
}

async function slice(file: AsyncBuffer, start: number, end: number): Promise<Uint8Array> {
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
