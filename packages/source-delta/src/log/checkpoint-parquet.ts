import { parquetScan } from 'hyparquet';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';
import { loadCompressors } from '../parquet/parquet-compressors.js';
import { openParquetFile, rowGroupOf } from '../parquet/parquet-file.js';
import type { DeletionVectorDescriptor, DeltaAction } from './delta-actions.js';

function toNumber(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

function normaliseDeletionVector(value: unknown): DeletionVectorDescriptor | null {
  if (!value || typeof value !== 'object') return null;
  const dv = value as Record<string, unknown>;
  if (dv.storageType == null) return null;
  return {
    storageType: dv.storageType as string,
    pathOrInlineDv: dv.pathOrInlineDv as string,
    offset: dv.offset == null ? null : toNumber(dv.offset),
    sizeInBytes: toNumber(dv.sizeInBytes),
    cardinality: toNumber(dv.cardinality),
  };
}

/**
 * A checkpoint's add carries its statistics as a JSON string (`stats`), as a struct
 * (`stats_parsed`), or both; the reader needs only `numRecords`.
 */
function checkpointStats(add: Record<string, unknown>): string | null {
  if (typeof add.stats === 'string') return add.stats;
  const parsed = add.stats_parsed as Record<string, unknown> | null | undefined;
  if (parsed?.numRecords == null) return null;
  return JSON.stringify({ numRecords: toNumber(parsed.numRecords) });
}

/** Checkpoint rows come with bigint longs and nulls for absent fields; make them look like JSON actions. */
function normaliseCheckpointAction(
  column: string,
  value: Record<string, unknown>,
): DeltaAction | undefined {
  switch (column) {
    case 'add':
      return {
        add: {
          path: value.path as string,
          partitionValues: (value.partitionValues as Record<string, string | null>) ?? {},
          size: toNumber(value.size),
          modificationTime: toNumber(value.modificationTime),
          dataChange: Boolean(value.dataChange),
          deletionVector: normaliseDeletionVector(value.deletionVector),
          stats: checkpointStats(value),
        },
      };
    case 'remove':
      return {
        remove: {
          path: value.path as string,
          dataChange: Boolean(value.dataChange),
          partitionValues: (value.partitionValues as Record<string, string | null>) ?? null,
          deletionVector: normaliseDeletionVector(value.deletionVector),
        },
      };
    case 'metaData':
      return {
        metaData: {
          id: value.id as string,
          name: (value.name as string) ?? null,
          schemaString: value.schemaString as string,
          partitionColumns: (value.partitionColumns as string[]) ?? [],
          configuration: (value.configuration as Record<string, string | null>) ?? {},
          createdTime: value.createdTime == null ? null : toNumber(value.createdTime),
        },
      };
    case 'protocol':
      return {
        protocol: {
          minReaderVersion: toNumber(value.minReaderVersion),
          minWriterVersion: toNumber(value.minWriterVersion),
          readerFeatures: (value.readerFeatures as string[]) ?? null,
          writerFeatures: (value.writerFeatures as string[]) ?? null,
        },
      };
    case 'sidecar':
      return { sidecar: { path: value.path as string } };
    default:
      return undefined;
  }
}

const checkpointColumns = ['add', 'remove', 'metaData', 'protocol', 'sidecar'];

/** The actions of a Parquet checkpoint (or sidecar) file, shaped like JSON actions. */
export async function readCheckpointParquet(
  fileSystem: DeltaFileSystem,
  path: string,
  size: number,
  signal?: AbortSignal,
): Promise<DeltaAction[]> {
  const { file, metadata, prefetchRowGroup } = await openParquetFile(
    fileSystem,
    path,
    size,
    signal,
  );
  const compressors = await loadCompressors(metadata);
  const present = new Set(metadata.schema.slice(1).map((element) => element.name));
  const columns = checkpointColumns.filter((column) => present.has(column));
  const scan = await parquetScan({ file, metadata, columns, compressors });
  const actions: DeltaAction[] = [];
  for (const range of scan.ranges) {
    // the next row group is fetched while this one is decoded (on an object store)
    const group = rowGroupOf(metadata, range.rowStart);
    prefetchRowGroup(group, columns);
    prefetchRowGroup(group + 1, columns);
    const decoded = await Promise.all(
      columns.map((column) => scan.readColumn({ column, ...range })),
    );
    for (const [columnIndex, column] of columns.entries()) {
      const values = decoded[columnIndex]!;
      for (let index = 0; index < values.length; index++) {
        const value = values[index] as Record<string, unknown> | null | undefined;
        if (!value || typeof value !== 'object') continue;
        if (column === 'add' || column === 'remove' || column === 'sidecar') {
          if (value.path == null) continue;
        }
        if (column === 'protocol' && value.minReaderVersion == null) continue;
        if (column === 'metaData' && value.id == null) continue;
        const action = normaliseCheckpointAction(column, value);
        if (action) actions.push(action);
      }
    }
  }
  return actions;
}
