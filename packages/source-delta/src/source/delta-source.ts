import {
  type ChangeBatch,
  PluginStateError,
  type RowBatch,
  type SourceChangesOptions,
  type SourceDescription,
  type SourceScanOptions,
  type SourceV1,
} from '@drift-spark/core';
import { defaultSourceBatchSize, sourceBatchSize } from '@drift-spark/core/internal';
import { planChangeFeed } from '../change-feed/delta-change-feed.js';
import { commitTimestampOf, readPlannedChangeFeed } from '../change-feed/read-change-feed.js';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';
import { createLocalFileSystem } from '../file-system/local-file-system.js';
import { createStoreFileSystem } from '../file-system/store-file-system.js';
import { parseTableUri } from '../file-system/table-uri.js';
import { DeltaLog } from '../log/delta-log.js';
import { snapshotRowCount } from '../log/delta-row-count.js';
import { loadSnapshot } from '../log/delta-snapshot.js';
import { resolveColumns, typeName } from '../schema/delta-schema.js';
import { rebatch } from './rebatch.js';
import { readSnapshotRows } from './snapshot-rows.js';

export type DeltaSourceOptions = (
  | {
      /**
       * Where the table is: a local path, `file://`, `s3://bucket/path` (or `s3a://`),
       * `az://container/path`, `abfss://container@account.dfs.core.windows.net/path` or
       * `gs://bucket/path`. An object store is read by its package
       * (`@drift-spark/delta-store-s3`, `-azure`, `-gcs`), loaded at the first read.
       */
      uri: string;
      path?: undefined;
    }
  | {
      /** The table root (the directory holding `_delta_log`), as `fileSystem` takes it. */
      path: string;
      uri?: undefined;
    }
) & {
  /** How to reach the files; by default chosen from the URI (the local filesystem for a path). */
  fileSystem?: DeltaFileSystem;
  /** Rows per batch when a call does not say; default 1024. */
  batchSize?: number;
};

export interface DeltaSource extends SourceV1 {
  changes(options: SourceChangesOptions): AsyncIterable<ChangeBatch>;
  /** The table root it reads. */
  readonly path: string;
}

/**
 * A native Delta Lake source (no JVM). Lazy: nothing is read until the first call.
 * `id` is the table's `metaData.id`; it is known once `describe()` (or a scan or a change
 * read) has read the log; use `openDeltaSource` to get a source whose `id` is ready.
 */
export function createDeltaSource(options: DeltaSourceOptions): DeltaSource {
  const { root, fileSystem } = locate(options);
  const log = new DeltaLog({ fileSystem, root });
  const defaultSize = sourceBatchSize(options.batchSize, defaultSourceBatchSize);
  let tableId: string | undefined;

  return {
    specificationVersion: 'v1',
    path: root,
    get id(): string {
      if (tableId === undefined) {
        throw new PluginStateError(
          `The id of the Delta source at ${root} is its metaData.id, which is read from the table's log: await source.describe() first, or create the source with openDeltaSource().`,
        );
      }
      return tableId;
    },

    async describe(callOptions = {}): Promise<SourceDescription> {
      const snapshot = await loadSnapshot(log, { signal: callOptions.signal });
      tableId = snapshot.metadata.id;
      return {
        id: snapshot.metadata.id,
        columns: snapshot.schema.columns.map((column) => ({
          name: column.name,
          type: typeName(column.type),
          nullable: column.nullable,
        })),
        latestVersion: snapshot.version,
        changeFeed: snapshot.changeDataFeed,
        ...rowCountOf(snapshot.files),
      };
    },

    async *scan(scanOptions: SourceScanOptions): AsyncGenerator<RowBatch> {
      const { signal } = scanOptions;
      const snapshot = await loadSnapshot(log, { version: scanOptions.version, signal });
      tableId = snapshot.metadata.id;
      const columns = resolveColumns(snapshot.schema, scanOptions.columns);
      const size = sourceBatchSize(scanOptions.batchSize, defaultSize);
      const rows = readSnapshotRows(log, snapshot, columns, signal, size);
      for await (const batch of rebatch(rows, size, signal)) {
        yield { rows: batch, version: snapshot.version };
      }
    },

    async *changes(changeOptions: SourceChangesOptions): AsyncGenerator<ChangeBatch> {
      const { signal } = changeOptions;
      const plan = await planChangeFeed(log, {
        fromVersion: changeOptions.fromVersion,
        toVersion: changeOptions.toVersion,
        columns: changeOptions.columns,
        signal,
      });
      tableId = plan.end.metadata.id;
      const size = sourceBatchSize(changeOptions.batchSize, defaultSize);
      const changes = readPlannedChangeFeed(log, plan, signal, size, {
        preimages: changeOptions.preimages ?? true,
        ...(changeOptions.preimageColumns
          ? { preimageColumns: changeOptions.preimageColumns }
          : {}),
      });
      for await (const batch of rebatch(changes, size, signal)) {
        yield { changes: batch };
      }
    },

    async commitTime(version, callOptions = {}): Promise<number | undefined> {
      const commit = (await log.list(callOptions.signal)).commits.get(version);
      if (!commit) return undefined;
      const actions = await log.readCommit(commit.file, callOptions.signal);
      return commitTimestampOf(actions, commit.file.modificationTime);
    },

    async close(): Promise<void> {},
  };
}

function rowCountOf(files: Parameters<typeof snapshotRowCount>[0]): { rowCount?: number } {
  const rowCount = snapshotRowCount(files);
  return rowCount === undefined ? {} : { rowCount };
}

function locate(options: DeltaSourceOptions): { root: string; fileSystem: DeltaFileSystem } {
  if (options.uri === undefined) {
    return { root: options.path, fileSystem: options.fileSystem ?? createLocalFileSystem() };
  }
  const location = parseTableUri(options.uri);
  const fileSystem =
    options.fileSystem ??
    (location.store === 'local' ? createLocalFileSystem() : createStoreFileSystem(location.store));
  return { root: location.root, fileSystem };
}

/** Creates a Delta source and reads its log once, so that `id` is ready. */
export async function openDeltaSource(
  options: DeltaSourceOptions & { signal?: AbortSignal },
): Promise<DeltaSource> {
  const source = createDeltaSource(options);
  await source.describe({ signal: options.signal });
  return source;
}
