import type { ChangeType, Row } from '@drift-spark/core';
import { loadDeletionVector } from '../deletion-vectors/deletion-vector.js';
import { deltaError } from '../delta-errors.js';
import type { AddAction, CommitInfoAction, DeltaAction } from '../log/delta-actions.js';
import type { DeltaLog } from '../log/delta-log.js';
import { decodePath } from '../log/delta-snapshot.js';
import { type RowSelection, readDataFile } from '../parquet/data-file-reader.js';
import { readAhead } from '../source/read-ahead.js';
import { createCommitReadAhead } from './commit-read-ahead.js';
import { dataChangeReads } from './data-change-reads.js';
import {
  type ChangeFeedOptions,
  type ChangeFeedPlan,
  planChangeFeed,
} from './delta-change-feed.js';

export interface DeltaChange {
  type: ChangeType;
  row: Row;
  commitVersion: number;
  /** Milliseconds since the epoch: the In-Commit Timestamp, else `commitInfo.timestamp`, else the commit file's time. */
  commitTimestamp: number;
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

/** The `_change_type` values of update pre-images, left unread when the reader needs none. */
const preimageTags: ReadonlySet<string> = new Set(
  Object.keys(changeTypeAliases).filter((raw) => changeTypeAliases[raw] === 'update_preimage'),
);

export function commitTimestampOf(actions: DeltaAction[], fileTime: number): number {
  const info: CommitInfoAction | undefined = actions.find(
    (action) => action.commitInfo,
  )?.commitInfo;
  const value = info?.inCommitTimestamp ?? info?.timestamp;
  return typeof value === 'number' ? value : fileTime;
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

/** Which update pre-images a change-feed read wants: none, or these columns of them (default all). */
export interface PreimageRead {
  preimages: boolean;
  preimageColumns?: readonly string[];
}

/** How pre-image rows are narrowed: left out, or only some columns; undefined when read whole. */
function narrowPreimageRead(
  { preimages, preimageColumns }: PreimageRead,
  columns: readonly { name: string }[],
): { tags: ReadonlySet<string>; columns?: ReadonlySet<string> } | undefined {
  if (!preimages) return { tags: preimageTags };
  if (preimageColumns === undefined) return undefined;
  const kept = new Set(preimageColumns);
  if (columns.every((column) => kept.has(column.name))) return undefined;
  return { tags: preimageTags, columns: kept };
}

export async function* readPlannedChangeFeed(
  log: DeltaLog,
  plan: ChangeFeedPlan,
  signal?: AbortSignal,
  chunkRows?: number,
  preimageRead: PreimageRead = { preimages: true },
): AsyncGenerator<DeltaChange[]> {
  const listing = await log.list(signal);
  const { fileSystem, root } = log;
  const mappingMode = plan.end.schema.mappingMode;
  const narrowPreimages = narrowPreimageRead(preimageRead, plan.columns);
  // On an object store, commits and the next file are read ahead (each a round trip).
  const depth = fileSystem.rangedReads ? 1 : 0;
  const readCommit = createCommitReadAhead(log, listing, plan.toVersion, depth * 8, signal);
  const readFile = (
    file: {
      path: string;
      size: number | null | undefined;
      partitionValues: Record<string, string | null> | null | undefined;
      selection: RowSelection;
    },
    context: string,
    tagColumn?: string,
  ) =>
    readDataFile({
      fileSystem,
      root,
      path: file.path,
      size: file.size,
      partitionValues: file.partitionValues,
      columns: plan.columns,
      mappingMode,
      selection: file.selection,
      ...(tagColumn === undefined ? {} : { tagColumn }),
      ...(tagColumn === undefined || narrowPreimages === undefined
        ? {}
        : { narrowTags: narrowPreimages }),
      context,
      chunkRows,
      signal,
    });
  const load = (descriptor: AddAction['deletionVector']) =>
    descriptor
      ? loadDeletionVector(fileSystem, root, descriptor, signal)
      : Promise.resolve(new Set<number>());
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
            const file = {
              ...cdc,
              path: decodePath(cdc.path),
              selection: { kind: 'all' } as const,
            };
            for await (const chunk of readFile(file, context, '_change_type')) {
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
    const reads = await dataChangeReads(actions, load);
    const readers = reads.map(
      (read) =>
        async function* () {
          for await (const chunk of readFile(read, context)) {
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
