import type { CompressionCodec, Compressors, PageHeader } from 'hyparquet';
import { decompressPage } from 'hyparquet/src/datapage.js';
import {
  dictionaryStringRows,
  gatherNumbers,
  lengthPrefixedRanges,
  numberRows,
  plainStringRows,
  type RowSpan,
  skipLengthPrefixed,
} from './flat-loops.js';
import { plainNumbers, words, wordsPerValue } from './flat-numbers.js';
import {
  type FlatKind,
  type NumberArray,
  type NumberValues,
  numberArray,
  StringDictionary,
  StringValues,
} from './flat-values.js';
import type { PageArena } from './page-arena.js';
import type { PageDecompressor } from './parquet-compressors.js';
import { decodeRleHybrid } from './rle-hybrid.js';

/** Thrown for a page the flat decoder does not handle; the caller falls back to hyparquet. */
export class UnsupportedPage extends Error {}

/** One column chunk being decoded: its type, codec, and the dictionary once read. */
export interface FlatColumnState {
  kind: FlatKind;
  /** 1 for an optional column, 0 for a required one. */
  maxDefinition: number;
  codec: CompressionCodec;
  compressors: Compressors;
  dictionary?: StringDictionary | NumberArray;
  /** The string dictionary's index in `output.sources`, once a page has used it (-1 before). */
  dictionarySource: number;
  output: StringValues | NumberValues;
  /** Where decompressed pages go when the codec's decompressor can write into memory given to it. */
  arena?: PageArena;
}

/** A page's bytes; an empty page (the dictionary of an all-null chunk) is not a valid stream for every codec. */
function decompress(state: FlatColumnState, compressed: Uint8Array, size: number): Uint8Array {
  if (size === 0) return new Uint8Array(0);
  const decompressor = state.compressors[state.codec] as PageDecompressor | undefined;
  if (state.arena === undefined || decompressor === undefined)
    return decompressPage(compressed, size, state.codec, state.compressors);
  const page = decompressor(compressed, size, state.arena.allocate(size));
  if (page.length !== size)
    throw new Error(
      `parquet decompressed page length ${page.length} does not match header ${size}`,
    );
  return page;
}

/** Decodes a dictionary page (PLAIN values) into `state.dictionary`. */
export function readDictionaryPage(
  state: FlatColumnState,
  header: PageHeader,
  compressed: Uint8Array,
): void {
  const count = header.dictionary_page_header?.num_values ?? 0;
  const page = decompress(state, compressed, header.uncompressed_page_size);
  if (state.kind === 'string') {
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    lengthPrefixedRanges(
      new DataView(page.buffer, page.byteOffset, page.byteLength),
      0,
      count,
      starts,
      ends,
    );
    state.dictionary = new StringDictionary(page, starts, ends);
    state.dictionarySource = -1;
  } else {
    state.dictionary = plainNumbers(state.kind, page, 0, count);
  }
}

/**
 * Decodes rows `[from, to)` of a data page (v1 or v2) into `state.output` from position
 * `at` (rows before `from` are only counted). No loop here or in the functions it calls
 * for a page: each is in flat-loops.ts or rle-hybrid.ts, so V8 compiles only those.
 */
export function readDataPage(
  state: FlatColumnState,
  header: PageHeader,
  compressed: Uint8Array,
  from: number,
  to: number,
  at: number,
): void {
  const body = pageBody(state, header, compressed);
  const { levels, count } = body;
  const defined = levels === undefined ? count : definedCount(levels, count, count);
  const skipped = levels === undefined ? from : definedCount(levels, count, from);
  const span: RowSpan = { levels, from, end: Math.min(to, count), at };
  const { output } = state;
  if (output instanceof StringValues) readStrings(state, output, body, defined, skipped, span);
  else readNumbers(state, output, body, defined, skipped, span);
}

/** A data page's values, decompressed, with its definition levels when the column is optional. */
interface PageBody {
  page: Uint8Array;
  levels: Uint8Array | undefined;
  valuesStart: number;
  encoding: string;
  count: number;
}

function pageBody(state: FlatColumnState, header: PageHeader, compressed: Uint8Array): PageBody {
  if (header.type === 'DATA_PAGE' && header.data_page_header) {
    const pageHeader = header.data_page_header;
    const count = pageHeader.num_values;
    const page = decompress(state, compressed, header.uncompressed_page_size);
    if (state.maxDefinition === 0)
      return { page, levels: undefined, valuesStart: 0, encoding: pageHeader.encoding, count };
    if (pageHeader.definition_level_encoding !== 'RLE') throw new UnsupportedPage('levels');
    const length = new DataView(page.buffer, page.byteOffset).getUint32(0, true);
    const levels = new Uint8Array(count);
    decodeRleHybrid(page, 4, 4 + length, 1, count, levels);
    return { page, levels, valuesStart: 4 + length, encoding: pageHeader.encoding, count };
  }
  if (header.type === 'DATA_PAGE_V2' && header.data_page_header_v2) {
    const pageHeader = header.data_page_header_v2;
    const count = pageHeader.num_values;
    const definition = pageHeader.definition_levels_byte_length;
    if (pageHeader.repetition_levels_byte_length !== 0 || pageHeader.num_rows !== count)
      throw new UnsupportedPage('nested');
    let levels: Uint8Array | undefined;
    if (state.maxDefinition > 0) {
      levels = new Uint8Array(count);
      decodeRleHybrid(compressed, 0, definition, 1, count, levels);
    }
    let page = compressed.subarray(definition);
    const size = header.uncompressed_page_size - definition;
    if (pageHeader.is_compressed !== false) page = decompress(state, page, size);
    return { page, levels, valuesStart: 0, encoding: pageHeader.encoding, count };
  }
  throw new UnsupportedPage(header.type);
}

/** How many of the first `rows` of `levels` (up to `count`) have a value. */
function definedCount(levels: Uint8Array, count: number, rows: number): number {
  let defined = 0;
  const end = Math.min(rows, count);
  for (let row = 0; row < end; row++) if (levels[row] === 1) defined++;
  return defined;
}

function readNumbers(
  state: FlatColumnState,
  output: NumberValues,
  body: PageBody,
  defined: number,
  skipped: number,
  span: RowSpan,
): void {
  const source = words(pageNumbers(state, body.page, body.valuesStart, body.encoding, defined));
  const width = wordsPerValue(output.values);
  numberRows(source, skipped, span, words(output.values), width, output.valid);
}

function readStrings(
  state: FlatColumnState,
  output: StringValues,
  body: PageBody,
  defined: number,
  skipped: number,
  span: RowSpan,
): void {
  const { page, valuesStart, encoding } = body;
  const { source, start, end, sources } = output;
  if (encoding === 'PLAIN') {
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const position = skipLengthPrefixed(view, valuesStart, skipped);
    plainStringRows(view, position, span, sources.push(page) - 1, source, start, end);
    return;
  }
  const indices = dictionaryIndices(state, page, valuesStart, encoding, defined);
  // kept in the state: indexOf over a mixed array of pages and dictionaries deoptimized this
  if (state.dictionarySource < 0)
    state.dictionarySource = sources.push(state.dictionary as StringDictionary) - 1;
  dictionaryStringRows(indices, skipped, span, state.dictionarySource, source, start);
}

function pageNumbers(
  state: FlatColumnState,
  page: Uint8Array,
  valuesStart: number,
  encoding: string,
  defined: number,
): NumberArray {
  if (encoding === 'PLAIN') return plainNumbers(state.kind, page, valuesStart, defined);
  if (encoding === 'RLE' && state.kind === 'boolean') {
    const length = new DataView(page.buffer, page.byteOffset + valuesStart).getUint32(0, true);
    const bits = new Uint8Array(defined);
    decodeRleHybrid(page, valuesStart + 4, valuesStart + 4 + length, 1, defined, bits);
    return bits;
  }
  const indices = dictionaryIndices(state, page, valuesStart, encoding, defined);
  const dictionary = state.dictionary as NumberArray;
  const values = numberArray(state.kind as NumberValues['kind'], defined);
  const width = wordsPerValue(values);
  if (!gatherNumbers(indices, defined, words(dictionary), words(values), width))
    throw new UnsupportedPage('dictionary index out of range');
  return values;
}

function dictionaryIndices(
  state: FlatColumnState,
  page: Uint8Array,
  valuesStart: number,
  encoding: string,
  defined: number,
): Int32Array {
  if (encoding !== 'RLE_DICTIONARY' && encoding !== 'PLAIN_DICTIONARY')
    throw new UnsupportedPage(encoding);
  if (state.dictionary === undefined) throw new UnsupportedPage('no dictionary');
  const indices = new Int32Array(defined);
  const bitWidth = page[valuesStart] ?? 0;
  if (bitWidth > 0 && defined > 0)
    decodeRleHybrid(page, valuesStart + 1, page.length, bitWidth, defined, indices);
  return indices;
}
