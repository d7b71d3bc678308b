import {
  type AsyncBuffer,
  type FileMetaData,
  parquetMetadata,
  parquetMetadataAsync,
  type RowGroup,
} from 'hyparquet';
import type { ByteRange, DeltaFileSystem } from '../file-system/delta-file-system.js';
import { createFileAsyncBuffer } from './file-async-buffer.js';
import { createRangedBuffer } from './ranged-buffer.js';

/**
 * The tail read first on an object store: the footer of most files fits in it. A file
 * this small is read whole, in that one request.
 */
export const footerBytes = 64 * 1024;

/** An open Parquet file: its footer, and a way to fetch row groups before they are read. */
export interface ParquetFile {
  file: AsyncBuffer;
  metadata: FileMetaData;
  /**
   * Starts fetching the chunks of `columns` in row group `index`, once per group, on an
   * object store; a no-op where the file is local or already in memory.
   */
  prefetchRowGroup(index: number, columns: readonly string[]): void;
}

/**
 * Opens a Parquet file. On an object store (`rangedReads`): the footer first, then only
 * the column chunks asked for; elsewhere as before (small files whole, large ones by range).
 */
export async function openParquetFile(
  fileSystem: DeltaFileSystem,
  path: string,
  size: number,
  signal?: AbortSignal,
): Promise<ParquetFile> {
  if (!fileSystem.rangedReads || size <= footerBytes) {
    const file = await createFileAsyncBuffer(fileSystem, path, size, signal);
    // a file held whole has its footer parsed in place: parquetMetadataAsync would first
    // copy the file's last 512 KB (5% of a 100k-row change feed's CPU)
    const metadata =
      'view' in file
        ? parquetMetadata(file.view(0, file.byteLength))
        : await parquetMetadataAsync(file);
    return { file, metadata, prefetchRowGroup() {} };
  }
  const file = createRangedBuffer(fileSystem, path, size, signal);
  const metadata = await parquetMetadataAsync(file, { initialFetchSize: footerBytes });
  const prefetched = new Set<number>();
  return {
    file,
    metadata,
    prefetchRowGroup(index, columns) {
      const group = metadata.row_groups[index];
      if (!group || prefetched.has(index)) return;
      prefetched.add(index);
      file.prefetch(columnChunkRanges(group, columns));
    },
  };
}

/** The byte ranges of the chunks of `columns` (top-level names) in one row group. */
export function columnChunkRanges(group: RowGroup, columns: readonly string[]): ByteRange[] {
  const wanted = new Set(columns);
  return group.columns.flatMap((chunk) => {
    const meta = chunk.meta_data;
    if (!meta || !wanted.has(meta.path_in_schema[0]!)) return [];
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    return [{ start, end: start + Number(meta.total_compressed_size) }];
  });
}

/** The index of the row group holding `row`, given the row counts of the groups. */
export function rowGroupOf(metadata: FileMetaData, row: number): number {
  let start = 0;
  for (let index = 0; index < metadata.row_groups.length; index++) {
    start += Number(metadata.row_groups[index]!.num_rows);
    if (row < start) return index;
  }
  return metadata.row_groups.length;
}
