import { parquetScan } from 'hyparquet';
import { deltaError, hasReason } from '../delta-errors.js';
import type { DeltaFileInfo, DeltaFileSystem } from '../file-system/delta-file-system.js';
import { loadCompressors } from '../parquet/parquet-compressors.js';
import { openParquetFile, rowGroupOf } from '../parquet/parquet-file.js';
import type {
  AddAction,
  DeletionVectorDescriptor,
  DeltaAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
} from './delta-actions.js';
import {
  type CheckpointCandidate,
  classifyLogFiles,
  type LogListing,
  versionPrefix,
} from './log-listing.js';

export interface DeltaLogOptions {
  fileSystem: DeltaFileSystem;
  /** The table root. */
  root: string;
  signal?: AbortSignal;
}

const decoder = new TextDecoder();

/** Parses newline-delimited JSON actions (commits and JSON V2 checkpoints). */
export function parseActions(text: string, where: string): DeltaAction[] {
  const actions: DeltaAction[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      actions.push(JSON.parse(trimmed) as DeltaAction);
    } catch (error) {
      throw deltaError(
        'corrupt-log',
        `Line ${lineNumber} of ${where} is not valid JSON. The Delta log is damaged; check the table with the tool that wrote it.`,
        error,
      );
    }
  }
  return actions;
}

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

/** The `_delta_log` of one table: listing, commits and checkpoints. */
export class DeltaLog {
  readonly fileSystem: DeltaFileSystem;
  readonly root: string;
  readonly logDirectory: string;

  constructor(options: DeltaLogOptions) {
    this.fileSystem = options.fileSystem;
    this.root = options.root;
    this.logDirectory = options.fileSystem.resolve(options.root, '_delta_log');
  }

  /** Lists the log; refuses a missing table or a directory that is not a Delta table. */
  async list(signal?: AbortSignal): Promise<LogListing> {
    const files = await this.fileSystem.list(this.logDirectory, { signal });
    const listing = files ? classifyLogFiles(files) : undefined;
    if (!listing || listing.latestVersion < 0) {
      if (!(await this.fileSystem.isDirectory(this.root, { signal }))) {
        throw deltaError(
          'table-not-found',
          `No table at ${this.root}: the directory does not exist. Check the path.`,
        );
      }
      throw deltaError(
        'not-a-delta-table',
        `${this.root} is not a Delta table: it has no _delta_log directory with commits or checkpoints. Point Drift at the table's root directory (the one holding _delta_log).`,
      );
    }
    return listing;
  }

  /**
   * Lists the log from the checkpoint `_last_checkpoint` names (on an object store, the
   * commits before it are never listed), or all of it when the hint is missing or stale.
   * Enough for the latest snapshot; time travel and change ranges use `list`.
   */
  async listFromLastCheckpoint(signal?: AbortSignal): Promise<LogListing> {
    const hint = await this.lastCheckpointVersion(signal);
    if (hint !== undefined) {
      const files = await this.fileSystem.list(this.logDirectory, {
        signal,
        startAfter: versionPrefix(hint),
      });
      const listing = files ? classifyLogFiles(files) : undefined;
      if (listing?.checkpoints.some((checkpoint) => checkpoint.version >= hint)) return listing;
    }
    return this.list(signal);
  }

  private async lastCheckpointVersion(signal?: AbortSignal): Promise<number | undefined> {
    let text: string;
    try {
      const bytes = await this.fileSystem.read(
        this.fileSystem.resolve(this.logDirectory, '_last_checkpoint'),
        { signal },
      );
      text = decoder.decode(bytes);
    } catch (error) {
      if (hasReason(error, 'file-missing')) return undefined;
      throw error;
    }
    try {
      const version = (JSON.parse(text) as { version?: unknown }).version;
      return Number.isInteger(version) && (version as number) >= 0
        ? (version as number)
        : undefined;
    } catch {
      return undefined; // only a hint: a damaged one means a full listing
    }
  }

  async readCommit(file: DeltaFileInfo, signal?: AbortSignal): Promise<DeltaAction[]> {
    const bytes = await this.readLogFile(file.path, signal);
    return parseActions(decoder.decode(bytes), file.name);
  }

  private async readLogFile(path: string, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      return await this.fileSystem.read(path, { signal });
    } catch (error) {
      if (hasReason(error, 'file-missing')) {
        throw deltaError(
          'version-not-available',
          `The log file ${path} disappeared while reading (log cleanup ran concurrently?). Try again.`,
          error,
        );
      }
      throw error;
    }
  }

  /** Every action of a checkpoint, sidecars included. */
  async readCheckpoint(
    checkpoint: CheckpointCandidate,
    signal?: AbortSignal,
  ): Promise<DeltaAction[]> {
    const actions: DeltaAction[] = [];
    for (const file of checkpoint.files) {
      if (file.name.endsWith('.json')) {
        actions.push(
          ...parseActions(decoder.decode(await this.readLogFile(file.path, signal)), file.name),
        );
      } else {
        actions.push(...(await this.readParquetActions(file.path, file.size, signal)));
      }
    }
    const sidecars = actions.filter((action) => action.sidecar);
    if (sidecars.length === 0) return actions;
    const result = actions.filter((action) => !action.sidecar);
    const sidecarDirectory = this.fileSystem.resolve(this.logDirectory, '_sidecars');
    for (const action of sidecars) {
      const relative = decodeURIComponent(action.sidecar!.path);
      const path = relative.includes('/')
        ? this.fileSystem.resolve(this.logDirectory, relative)
        : this.fileSystem.resolve(sidecarDirectory, relative);
      const info = await this.fileSystem.stat(path, { signal });
      if (!info) {
        throw deltaError(
          'corrupt-log',
          `The checkpoint ${checkpoint.files[0]!.name} refers to the sidecar ${relative}, which is missing. The table's log is damaged.`,
        );
      }
      result.push(...(await this.readParquetActions(path, info.size, signal)));
    }
    return result;
  }

  private async readParquetActions(
    path: string,
    size: number,
    signal?: AbortSignal,
  ): Promise<DeltaAction[]> {
    const { file, metadata, prefetchRowGroup } = await openParquetFile(
      this.fileSystem,
      path,
      size,
      signal,
    );
    const compressors = await loadCompressors();
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
}

export type { AddAction, MetadataAction, ProtocolAction, RemoveAction };
