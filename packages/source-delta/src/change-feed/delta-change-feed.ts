import { type ChangeType, NoChangeFeedError, type Row } from '@drift-spark/core';
import { loadDeletionVector } from '../deletion-vectors/deletion-vector.js';
import { deltaError } from '../delta-errors.js';
import type {
  AddAction,
  CommitInfoAction,
  DeltaAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
} from '../log/delta-actions.js';
import type { DeltaLog } from '../log/delta-log.js';
import { type DeltaSnapshot, decodePath, loadSnapshot } from '../log/delta-snapshot.js';
import { assertReadable, isChangeDataFeedEnabled } from '../log/protocol-gate.js';
import { type RowSelection, readDataFile } from '../parquet/data-file-reader.js';
import { type DeltaColumn, resolveColumns } from '../schema/delta-schema.js';
import { readAhead } from '../source/read-ahead.js';
import { createCommitReadAhead } from './commit-read-ahead.js';

export interface DeltaChange {
  type: ChangeType;
  row: Row;
  commitVersion: number;
  /** Milliseconds since the epoch: the In-Commit Timestamp, else `commitInfo.timestamp`, else the commit file's time. */
  commitTimestamp: number;
}

export interface ChangeFeedOptions {
  fromVersion: number;
  /** Inclusive; default the latest version. */
  toVersion?: number;
  /** Logical column names; default every column. */
  columns?: string[];
  signal?: AbortSignal;
}

export interface ChangeFeedPlan {
  fromVersion: number;
  toVersion: number;
  start: DeltaSnapshot;
  end: DeltaSnapshot;
  columns: DeltaColumn[];
}

const changeTypeAliases: Record<string, ChangeType> = {
  insert: 'insert',
  delete: 'delete',
  update_preimage: 'update_preimage',
  update_postimage: 'update_postimage',
  // non-standard spellings that Delta kernel passes through
  update_pre: 'update_preimage',
  update_post: 'update_postimage',
};

function cdfOffError(version: number, fromVersion: number, toVersion: number): Error {
  return new NoChangeFeedError(
    `The Change Data Feed is not enabled at version ${version} of the table, so changes for versions ${fromVersion}..${toVersion} were not recorded. Read changes only from versions where delta.enableChangeDataFeed is true (after version ${version}), or take a snapshot instead.`,
  );
}

const controlLine = /^\s*\{\s*"(metaData|protocol)"/;

/**
 * Validates a change-feed range the way Delta kernel does: the range is inside the log,
 * the Change Data Feed is on and the protocol readable at both ends and at every
 * `metaData`/`protocol` action inside the range, and the schema does not change. Every
 * error names the offending version.
 */
export async function planChangeFeed(
  log: DeltaLog,
  options: ChangeFeedOptions,
): Promise<ChangeFeedPlan> {
  const { fromVersion, signal } = options;
  const listing = await log.list(signal);
  const latest = listing.latestVersion;
  const toVersion = options.toVersion ?? latest;
  if (
    !Number.isInteger(fromVersion) ||
    fromVersion < 0 ||
    !Number.isInteger(toVersion) ||
    toVersion < 0
  ) {
    throw deltaError(
      'invalid-range',
      `The change range ${fromVersion}..${toVersion} is not valid: versions are whole numbers from 0.`,
    );
  }
  if (fromVersion > latest) {
    throw deltaError(
      'version-out-of-range',
      `The change range starts at version ${fromVersion}, but the latest version of the table is ${latest}: there are no changes to read yet. Start at version ${latest} or earlier.`,
    );
  }
  if (fromVersion > toVersion) {
    throw deltaError(
      'invalid-range',
      `The change range starts at version ${fromVersion}, after its end version ${toVersion}. Pass a start version that is not greater than the end version.`,
    );
  }
  if (toVersion > latest) {
    throw deltaError(
      'version-out-of-range',
      `The change range ends at version ${toVersion}, but the latest version of the table is ${latest}. End at version ${latest} or earlier, or leave the end out.`,
    );
  }
  for (let version = fromVersion; version <= toVersion; version++) {
    if (!listing.commits.has(version)) {
      const kept = [...listing.commits.keys()].filter((v) => v >= version);
      throw deltaError(
        'version-not-available',
        `The commit file of version ${version} is gone from the log (removed by log cleanup), so the changes of versions ${fromVersion}..${toVersion} cannot be read. Read changes from version ${kept.length ? Math.min(...kept) : latest} on, and bootstrap from a snapshot for what came before.`,
      );
    }
  }
  const start = await loadSnapshot(log, { version: fromVersion, listing, signal });
  if (!start.changeDataFeed) throw cdfOffError(fromVersion, fromVersion, toVersion);
  const end =
    toVersion === fromVersion
      ? start
      : await loadSnapshot(log, { version: toVersion, listing, signal });
  if (!end.changeDataFeed) throw cdfOffError(toVersion, fromVersion, toVersion);
  if (start.metadata.schemaString !== end.metadata.schemaString) {
    throw deltaError(
      'schema-changed',
      `The table schema at version ${fromVersion} differs from the schema at version ${toVersion}; a change range must not cross a schema change. Read the changes in two ranges, split at the schema change.`,
    );
  }
  // Every metaData / protocol action inside the range.
  let protocol: ProtocolAction = start.protocol;
  let metadata: MetadataAction = start.metadata;
  for (let version = fromVersion + 1; version <= toVersion; version++) {
    signal?.throwIfAborted();
    const text = new TextDecoder().decode(
      await log.fileSystem.read(listing.commits.get(version)!.file.path, { signal }),
    );
    let changed = false;
    for (const line of text.split('\n')) {
      if (!controlLine.test(line)) continue;
      const action = JSON.parse(line) as DeltaAction;
      if (action.protocol) protocol = action.protocol;
      if (action.metaData) metadata = action.metaData;
      changed = true;
    }
    if (!changed) continue;
    assertReadable(protocol, version);
    if (!isChangeDataFeedEnabled(metadata, protocol))
      throw cdfOffError(version, fromVersion, toVersion);
    if (metadata.schemaString !== end.metadata.schemaString) {
      throw deltaError(
        'schema-changed',
        `The table schema changes at version ${version}, inside the change range ${fromVersion}..${toVersion}. Read the changes in two ranges, split at version ${version}.`,
      );
    }
  }
  return {
    fromVersion,
    toVersion,
    start,
    end,
    columns: resolveColumns(end.schema, options.columns),
  };
}

export function commitTimestampOf(actions: DeltaAction[], fileTime: number): number {
  const info: CommitInfoAction | undefined = actions.find(
    (action) => action.commitInfo,
  )?.commitInfo;
  const value = info?.inCommitTimestamp ?? info?.timestamp;
  return typeof value === 'number' ? value : fileTime;
}

function difference(left: Set<number>, right: Set<number>): Set<number> {
  const result = new Set<number>();
  for (const value of left) if (!right.has(value)) result.add(value);
  return result;
}

/**
 * The Change Data Feed of `[fromVersion, toVersion]` per the Delta protocol: a commit's
 * `cdc` files when it has any; otherwise its `add`/`remove` actions with `dataChange`
 * (deletion-vector differences for an add/remove pair of the same file).
 * Yields bounded chunks (at most one row group of one file each).
 */
export async function* readChangeFeed(
  log: DeltaLog,
  options: ChangeFeedOptions,
): AsyncGenerator<DeltaChange[]> {
  const plan = await planChangeFeed(log, options);
  yield* readPlannedChangeFeed(log, plan, options.signal);
}

export async function* readPlannedChangeFeed(
  log: DeltaLog,
  plan: ChangeFeedPlan,
  signal?: AbortSignal,
  chunkRows?: number,
): AsyncGenerator<DeltaChange[]> {
  const listing = await log.list(signal);
  const { fileSystem, root } = log;
  const mappingMode = plan.end.schema.mappingMode;
  // On an object store, commits and the next file are read ahead (each a round trip).
  const depth = fileSystem.rangedReads ? 1 : 0;
  const readCommit = createCommitReadAhead(log, listing, plan.toVersion, depth * 8, signal);
  // One version after another, the next one started (its commit, its first file) while
  // this one is read.
  const readVersion = async function* (version: number): AsyncGenerator<DeltaChange[]> {
    signal?.throwIfAborted();
    const commit = await readCommit(version);
    if (!commit)
      throw deltaError(
        'version-not-available',
        `The commit file of version ${version} disappeared while reading the change feed (log cleanup). Start again from a later version.`,
      );
    const { actions } = commit;
    const commitTimestamp = commitTimestampOf(actions, commit.file.modificationTime);
    const context = `the change feed of version ${version}`;
    const cdcActions = actions.filter((action) => action.cdc).map((action) => action.cdc!);
    if (cdcActions.length > 0) {
      const readers = cdcActions.map(
        (cdc) =>
          async function* () {
            const rows = readDataFile({
              fileSystem,
              root,
              path: decodePath(cdc.path),
              size: cdc.size,
              partitionValues: cdc.partitionValues,
              columns: plan.columns,
              mappingMode,
              selection: { kind: 'all' },
              tagColumn: '_change_type',
              context,
              chunkRows,
              signal,
            });
            for await (const chunk of rows) {
              yield chunk.rows.map((row, index) => {
                const raw = chunk.tags![index];
                const type = typeof raw === 'string' ? changeTypeAliases[raw] : undefined;
                if (!type) {
                  throw deltaError(
                    'corrupt-data-file',
                    `The change data file ${cdc.path} of version ${version} has the change type ${JSON.stringify(raw)}, which is not a Delta change type.`,
                  );
                }
                return { type, row, commitVersion: version, commitTimestamp };
              });
            }
          },
      );
      yield* readAhead(readers, depth);
      return;
    }
    const adds = new Map<string, AddAction>();
    const removes = new Map<string, RemoveAction>();
    for (const action of actions) {
      if (action.add?.dataChange) adds.set(decodePath(action.add.path), action.add);
      if (action.remove?.dataChange) removes.set(decodePath(action.remove.path), action.remove);
    }
    const reads: {
      path: string;
      type: ChangeType;
      size: number | null | undefined;
      partitionValues: Record<string, string | null> | null | undefined;
      selection: RowSelection;
    }[] = [];
    const load = (descriptor: AddAction['deletionVector']) =>
      descriptor
        ? loadDeletionVector(fileSystem, root, descriptor, signal)
        : Promise.resolve(new Set<number>());
    for (const [path, add] of adds) {
      const remove = removes.get(path);
      if (remove) {
        // A deletion-vector update of one file: rows leave or come back.
        const addDv = await load(add.deletionVector);
        const removeDv = await load(remove.deletionVector);
        reads.push({
          path,
          type: 'insert',
          size: add.size,
          partitionValues: add.partitionValues,
          selection: { kind: 'include', positions: difference(removeDv, addDv) },
        });
        reads.push({
          path,
          type: 'delete',
          size: add.size,
          partitionValues: add.partitionValues,
          selection: { kind: 'include', positions: difference(addDv, removeDv) },
        });
        removes.delete(path);
      } else {
        const selection: RowSelection = add.deletionVector
          ? { kind: 'exclude', positions: await load(add.deletionVector) }
          : { kind: 'all' };
        reads.push({
          path,
          type: 'insert',
          size: add.size,
          partitionValues: add.partitionValues,
          selection,
        });
      }
    }
    for (const [path, remove] of removes) {
      const selection: RowSelection = remove.deletionVector
        ? { kind: 'exclude', positions: await load(remove.deletionVector) }
        : { kind: 'all' };
      reads.push({
        path,
        type: 'delete',
        size: remove.size,
        partitionValues: remove.partitionValues,
        selection,
      });
    }
    const readers = reads.map(
      (read) =>
        async function* () {
          const rows = readDataFile({
            fileSystem,
            root,
            path: read.path,
            size: read.size,
            partitionValues: read.partitionValues,
            columns: plan.columns,
            mappingMode,
            selection: read.selection,
            context,
            chunkRows,
            signal,
          });
          for await (const chunk of rows) {
            yield chunk.rows.map((row) => ({
              type: read.type,
              row,
              commitVersion: version,
              commitTimestamp,
            }));
          }
        },
    );
    yield* readAhead(readers, depth);
  };
  const versions: number[] = [];
  for (let version = plan.fromVersion; version <= plan.toVersion; version++) versions.push(version);
  yield* readAhead(
    versions.map((version) => () => readVersion(version)),
    depth,
  );
}
