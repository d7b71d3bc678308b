import type { Row } from '@drift-spark/core';
import type { DataChunk, RowSelection } from './data-file-reader.js';
import type { ColumnValues } from './flat-values.js';
import type { RowBuilder } from './row-builder.js';

/** The decoded columns of one slice of a row group and how far its rows have been built. */
export interface SliceRows {
  columns: (ColumnValues | undefined)[];
  tags: ColumnValues | undefined;
  withTags: boolean;
  /** Position in the file of the slice's first row. */
  first: number;
  /** Rows in the slice. */
  end: number;
  /** Offset of the next row to build. */
  next: number;
}

/** Rows whose tag is one of `tags`: built by `builder` (fewer columns), or left out without one. */
export interface NarrowRows {
  tags: ReadonlySet<string>;
  builder?: RowBuilder;
}

/**
 * Builds the next chunk of at most `chunkRows` kept rows of a slice. The per-row loop lives
 * here, not in the generator that reads the file (data-file-reader.ts): V8 optimizes a hot loop inside a long async generator
 * by recompiling the whole generator, and it did so 6 times per change feed (~0.5 CPU-s of
 * compiler threads on the 1M-row CDF), deoptimizing it on every new file's shapes.
 */
export function nextChunk(
  slice: SliceRows,
  selection: RowSelection,
  narrow: NarrowRows | undefined,
  builder: RowBuilder,
  chunkRows: number,
): DataChunk {
  const rows: Row[] = [];
  const tags: unknown[] | undefined = slice.withTags ? [] : undefined;
  let offset = slice.next;
  for (; offset < slice.end && rows.length < chunkRows; offset++) {
    const position = slice.first + offset;
    if (selection.kind === 'exclude' && selection.positions.has(position)) continue;
    if (selection.kind === 'include' && !selection.positions.has(position)) continue;
    const tag = slice.tags ? slice.tags.get(offset) : null;
    if (narrow !== undefined && typeof tag === 'string' && narrow.tags.has(tag)) {
      if (narrow.builder === undefined) continue;
      rows.push(narrow.builder.build(slice.columns, offset, narrow.builder.constants));
    } else rows.push(builder.build(slice.columns, offset, builder.constants));
    tags?.push(tag);
  }
  slice.next = offset;
  // one object shape whether or not tags are asked for (two shapes deoptimized this function)
  return { rows, tags };
}
