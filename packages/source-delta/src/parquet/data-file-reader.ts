import type { Row } from '@drift-spark/core';
import { parquetScan, parquetSchema } from 'hyparquet';
import { deltaError, hasReason } from '../delta-errors.js';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';
import type { ColumnMappingMode, DeltaColumn } from '../schema/delta-schema.js';
import {
  containsMap,
  converterFor,
  exactParsers,
  lazyStringParsers,
  parsePartitionValue,
} from '../schema/delta-values.js';
import { type ColumnPlan, columnDecodes } from './column-decodes.js';
import { readColumnValues } from './column-values.js';
import { PageArena } from './page-arena.js';
import { loadCompressors } from './parquet-compressors.js';
import { openParquetFile, type ParquetFile, rowGroupOf } from './parquet-file.js';
import { rowBuilder } from './row-builder.js';
import { type NarrowRows, nextChunk, type SliceRows } from './slice-rows.js';

/** Which rows of a file to keep, by 0-based position in the whole file. */
export type RowSelection =
  | { kind: 'all' }
  | { kind: 'exclude'; positions: Set<number> }
  | { kind: 'include'; positions: Set<number> };

export interface DataFileReadOptions {
  fileSystem: DeltaFileSystem;
  root: string;
  /** The file path relative to the table root (URI-decoded) or absolute. */
  path: string;
  /** Size in bytes when the log knows it. */
  size?: number | null;
  partitionValues: Record<string, string | null> | null | undefined;
  /** Columns to produce, in order. */
  columns: DeltaColumn[];
  mappingMode: ColumnMappingMode;
  selection: RowSelection;
  /** A physical column returned beside the rows, not in them (e.g. `_change_type` of cdc files). */
  tagColumn?: string;
  /**
   * Rows whose tag is one of `tags` get only the `columns` given (the others null, never
   * decoded); without `columns` they are left out before they are built.
   */
  narrowTags?: { tags: ReadonlySet<string>; columns?: ReadonlySet<string> };
  /** Most rows per yielded chunk (rows are built as chunks are pulled, so they die young). */
  chunkRows?: number;
  /** Says where the file was needed, for the error when it is missing, e.g. "version 3". */
  context: string;
  signal?: AbortSignal;
}

/**
 * Reads one Delta data (or cdc) file row group by row group, projecting only the needed
 * Parquet columns. Yields the rows of each row group that the selection keeps, with
 * columns under their logical names and partition values from the action.
 */
export interface DataChunk {
  rows: Row[];
  /** The `tagColumn` value of each row, when asked for. */
  tags?: unknown[];
}

export async function* readDataFile(options: DataFileReadOptions): AsyncGenerator<DataChunk> {
  const { fileSystem, selection, signal } = options;
  const chunkRows = options.chunkRows ?? 1024;
  if (selection.kind === 'include' && selection.positions.size === 0) return;
  const path = fileSystem.resolve(options.root, options.path);
  let size = options.size ?? undefined;
  let parquet: ParquetFile;
  try {
    if (size === undefined) {
      const info = await fileSystem.stat(path, { signal });
      if (!info) throw deltaError('file-missing', `The file ${path} does not exist.`);
      size = info.size;
    }
    parquet = await openParquetFile(fileSystem, path, size, signal);
  } catch (error) {
    if (hasReason(error, 'file-missing')) {
      throw deltaError(
        'file-missing',
        `The data file ${options.path} needed for ${options.context} is missing from ${options.root}; it was probably deleted by VACUUM. Read a later version, or start the change feed after this version (for a sink, re-bootstrap from a snapshot).`,
        error,
      );
    }
    if ((error as { code?: unknown }).code === 'source') throw error;
    throw deltaError(
      'corrupt-data-file',
      `The data file ${options.path} (${options.context}) is not a readable Parquet file: ${(error as Error).message}.`,
      error,
    );
  }
  const { file, metadata } = parquet;
  const topLevel = parquetSchema(metadata).children.map((child) => child.element);
  const byName = new Set(topLevel.map((element) => element.name));
  const byFieldId = new Map<number, string>();
  for (const element of topLevel)
    if (element.field_id !== undefined) byFieldId.set(element.field_id, element.name);

  const plans: ColumnPlan[] = options.columns.map((column) => {
    if (column.isPartition) {
      const raw =
        options.partitionValues?.[column.physicalName] ?? options.partitionValues?.[column.name];
      return {
        name: column.name,
        kind: 'partition',
        constant: parsePartitionValue(raw, column.type),
      };
    }
    let parquetName: string | undefined;
    if (column.fieldId !== undefined && byFieldId.has(column.fieldId))
      parquetName = byFieldId.get(column.fieldId);
    else if (byName.has(column.physicalName)) parquetName = column.physicalName;
    if (parquetName === undefined) return { name: column.name, kind: 'missing', constant: null };
    return {
      name: column.name,
      kind: 'data',
      parquetName,
      convert: converterFor(column.type, options.mappingMode),
    };
  });
  const tagColumn =
    options.tagColumn !== undefined && byName.has(options.tagColumn)
      ? options.tagColumn
      : undefined;
  const parquetColumns = [
    ...new Set(plans.filter((plan) => plan.kind === 'data').map((plan) => plan.parquetName!)),
  ];
  if (tagColumn !== undefined && !parquetColumns.includes(tagColumn))
    parquetColumns.push(tagColumn);
  const builder = rowBuilder(plans);
  const { narrowTags } = options;
  const narrow: NarrowRows | undefined = narrowTags && {
    tags: narrowTags.tags,
    ...(narrowTags.columns ? { builder: rowBuilder(plans, narrowTags.columns) } : {}),
  };
  const decodes = columnDecodes(parquetColumns, plans, options.columns, topLevel, tagColumn);

  const compressors = await loadCompressors(metadata);
  const scan = await parquetScan({
    file,
    metadata,
    columns: parquetColumns,
    compressors,
    parsers: options.columns.some((column) => containsMap(column.type))
      ? exactParsers
      : lazyStringParsers,
    utf8: false,
    useOffsetIndex: true,
  });
  // Memory is bounded by one row group; a very large row group is read in slices of
  // pages where the file has page offset indexes.
  const sliceable = parquetColumns.every((name) =>
    metadata.row_groups.every((group) =>
      group.columns.some(
        (chunk) =>
          chunk.meta_data?.path_in_schema[0] === name && chunk.offset_index_offset !== undefined,
      ),
    ),
  );
  const groupBytes = groupSizes(metadata);
  // this file's decompressed pages: reused slice after slice, then by the next file
  const arena = new PageArena();
  let reading = false;
  // On an object store, the next needed row group is fetched while this one is decoded.
  const neededGroups = scan.ranges
    .filter(
      (range) =>
        selection.kind !== 'include' ||
        anyInRange(selection.positions, range.rowStart, range.rowEnd),
    )
    .map((range) => rowGroupOf(metadata, range.rowStart));
  const prefetch = (position: number) => {
    const group = neededGroups[position];
    if (group !== undefined) parquet.prefetchRowGroup(group, parquetColumns);
  };
  try {
    for (const range of scan.ranges) {
      const position = neededGroups.indexOf(rowGroupOf(metadata, range.rowStart));
      if (position >= 0) {
        prefetch(position);
        prefetch(position + 1);
      }
      const rows = range.rowEnd - range.rowStart;
      const bytes = groupBytes.get(range.rowStart) ?? 0;
      const step =
        sliceable && bytes > sliceBytes * 2
          ? Math.max(1024, Math.ceil((sliceBytes * rows) / bytes))
          : rows;
      for (let rowStart = range.rowStart; rowStart < range.rowEnd; rowStart += step) {
        signal?.throwIfAborted();
        const rowEnd = Math.min(range.rowEnd, rowStart + step);
        if (selection.kind === 'include' && !anyInRange(selection.positions, rowStart, rowEnd))
          continue;
        // the previous slice's rows are built, so its pages can be overwritten
        arena.reset();
        // all column chunks in flight at once, so reading one overlaps decoding another
        reading = true;
        const decoded = await Promise.all(
          decodes.map((decode) =>
            readColumnValues(
              { file, metadata, scan, compressors, arena },
              decode,
              rowStart,
              rowEnd,
            ),
          ),
        );
        reading = false;
        const data = new Map(parquetColumns.map((column, index) => [column, decoded[index]!]));
        const columnsData = plans.map((plan) =>
          plan.kind === 'data' ? data.get(plan.parquetName!)! : undefined,
        );
        const tagData = tagColumn === undefined ? undefined : data.get(tagColumn)!;
        const slice: SliceRows = {
          columns: columnsData,
          tags: tagData,
          withTags: options.tagColumn !== undefined,
          first: rowStart,
          end: rowEnd - rowStart,
          next: 0,
        };
        while (slice.next < slice.end) {
          const chunk = nextChunk(slice, selection, narrow, builder, chunkRows);
          if (chunk.rows.length > 0) yield chunk;
        }
        // Let this slice's pages go before the next slice is read, not after.
        data.clear();
        decoded.length = 0;
        columnsData.length = 0;
      }
    }
  } finally {
    // after a failed column read others may still be reading into the arena: let it go with them
    if (!reading) arena.release();
  }
}

/**
 * Uncompressed bytes per slice of a row group larger than twice this (when the file has
 * page offset indexes), to bound memory. Measured on 1M rows of ~1 KB text (delta-rs
 * files of one ~95 MB row group), pages fetched a few MB at a time and each slice let go
 * before the next: 32 MB slices peak at 231–233 MB RSS, 16 MB at 203–216, 8 MB at 193–202,
 * for the same CPU within the noise (5.0–5.2 CPU-s); in a 100k-row `drift embed` the
 * slice is what the reader holds beside the batches in flight (bench/README.md).
 */
const sliceBytes = 8 * 1024 * 1024;

/** Uncompressed size of each row group, keyed by its first row. */
function groupSizes(metadata: {
  row_groups: { num_rows: bigint; total_byte_size: bigint }[];
}): Map<number, number> {
  const sizes = new Map<number, number>();
  let start = 0;
  for (const group of metadata.row_groups) {
    sizes.set(start, Number(group.total_byte_size));
    start += Number(group.num_rows);
  }
  return sizes;
}

function anyInRange(positions: Set<number>, start: number, end: number): boolean {
  if (positions.size < end - start) {
    for (const position of positions) if (position >= start && position < end) return true;
    return false;
  }
  for (let position = start; position < end; position++) if (positions.has(position)) return true;
  return false;
}
