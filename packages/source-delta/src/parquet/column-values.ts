import type { CellValue } from '@drift-spark/core';
import type { AsyncBuffer, Compressors, FileMetaData, ParquetScan } from 'hyparquet';
import type { ValueConverter } from '../schema/delta-values.js';
import { isFlatChunk, readFlatColumn } from './flat-column-reader.js';
import { UnsupportedPage } from './flat-page.js';
import type { ColumnValues, FlatKind } from './flat-values.js';
import type { PageArena } from './page-arena.js';
import { rowGroupOf } from './parquet-file.js';

/** How one Parquet column of a file is decoded. */
export interface ColumnDecode {
  name: string;
  /** Set when the flat decoder can read the column; values are then already canonical. */
  flat?: { kind: FlatKind; nullable: boolean };
  /** Converts hyparquet's values to canonical ones. */
  convert?: ValueConverter | undefined;
}

export interface ColumnValuesSource {
  file: AsyncBuffer;
  metadata: FileMetaData;
  scan: ParquetScan;
  compressors: Compressors;
  /** Compressed bytes per read of a slice of a column chunk (default 4 MiB; tests set less). */
  readBytes?: number;
  /** Memory for the flat decoder's pages, valid until the caller resets it (see PageArena). */
  arena?: PageArena;
}

/**
 * The values of `column` for file rows `[rowStart, rowEnd)` (within one row group):
 * through the flat decoder when the column and its chunk allow it, else through hyparquet.
 */
export async function readColumnValues(
  source: ColumnValuesSource,
  column: ColumnDecode,
  rowStart: number,
  rowEnd: number,
): Promise<ColumnValues> {
  if (column.flat !== undefined) {
    const groupIndex = rowGroupOf(source.metadata, rowStart);
    const group = source.metadata.row_groups[groupIndex]!;
    const chunk = group.columns.find((each) => each.meta_data?.path_in_schema[0] === column.name);
    if (chunk !== undefined && isFlatChunk(chunk)) {
      const groupStart = groupStartOf(source.metadata, groupIndex);
      try {
        return await readFlatColumn({
          file: source.file,
          chunk,
          ...column.flat,
          compressors: source.compressors,
          ...(source.readBytes === undefined ? {} : { readBytes: source.readBytes }),
          ...(source.arena === undefined ? {} : { arena: source.arena }),
          groupRows: Number(group.num_rows),
          rowStart: rowStart - groupStart,
          rowEnd: rowEnd - groupStart,
        });
      } catch (error) {
        if (!(error instanceof UnsupportedPage)) throw error;
      }
    }
  }
  const values = await source.scan.readColumn({ column: column.name, rowStart, rowEnd });
  return hyparquetValues(values, column.convert);
}

function groupStartOf(metadata: FileMetaData, groupIndex: number): number {
  let start = 0;
  for (let index = 0; index < groupIndex; index++)
    start += Number(metadata.row_groups[index]!.num_rows);
  return start;
}

/** hyparquet's decoded values, converted row by row. */
export function hyparquetValues(
  values: ArrayLike<unknown>,
  convert: ValueConverter | undefined,
): ColumnValues {
  return {
    get: convert
      ? (index) => convert(values[index])
      : (index) => {
          const raw = values[index];
          return raw === undefined ? null : (raw as CellValue);
        },
  };
}
