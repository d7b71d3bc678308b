import { NoChangeFeedError } from '@drift-spark/core';
import { checkChangeRange } from '@drift-spark/core/internal';
import { deltaError } from '../delta-errors.js';
import type { DeltaAction, MetadataAction, ProtocolAction } from '../log/delta-actions.js';
import type { DeltaLog } from '../log/delta-log.js';
import { type DeltaSnapshot, loadSnapshot } from '../log/delta-snapshot.js';
import { assertReadable, isChangeDataFeedEnabled } from '../log/protocol-gate.js';
import { type DeltaColumn, resolveColumns, schemaOf } from '../schema/delta-schema.js';
import { assertColumnsReadable } from './column-compatibility.js';

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

function cdfOffError(version: number, fromVersion: number, toVersion: number): Error {
  return new NoChangeFeedError(
    `The Change Data Feed is not enabled at version ${version} of the table, so changes for versions ${fromVersion}..${toVersion} were not recorded. Read changes only from versions where delta.enableChangeDataFeed is true (after version ${version}), or take a snapshot instead.`,
  );
}

const controlLine = /^\s*\{\s*"(metaData|protocol)"/;

/**
 * Validates a change-feed range the way Delta kernel does: the range is inside the log,
 * the Change Data Feed is on and the protocol readable at both ends and at every
 * `metaData`/`protocol` action inside the range, and the read columns are the same columns
 * all along (a column added inside the range reads as null from older files; see
 * `assertColumnsReadable`). Every error names the offending version.
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
  checkChangeRange({ fromVersion, toVersion, latest, table: 'the table' });
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
  const columns = resolveColumns(end.schema, options.columns);
  const range = { fromVersion, toVersion };
  if (start.metadata.schemaString !== end.metadata.schemaString)
    assertColumnsReadable(columns, start.schema, fromVersion, range);
  // A first commit that changes the schema (an overwrite of it) removes files written under
  // the schema before it, and the range reads them: that schema must be readable too.
  if (
    fromVersion > 0 &&
    start.metadataVersion === fromVersion &&
    listing.commits.has(fromVersion - 1)
  ) {
    const before = await loadSnapshot(log, { version: fromVersion - 1, listing, signal });
    if (before.metadata.schemaString !== end.metadata.schemaString)
      assertColumnsReadable(columns, before.schema, fromVersion - 1, range);
  }
  // Every metaData / protocol action inside the range.
  let protocol: ProtocolAction = start.protocol;
  let metadata: MetadataAction = start.metadata;
  for (let version = fromVersion + 1; version <= toVersion; version++) {
    signal?.throwIfAborted();
    const text = new TextDecoder().decode(
      await log.fileSystem.read(listing.commits.get(version)!.file.path, { signal }),
    );
    const actions: DeltaAction[] = [];
    for (const line of text.split('\n'))
      if (controlLine.test(line)) actions.push(JSON.parse(line) as DeltaAction);
    if (actions.length === 0) continue;
    for (const action of actions) {
      if (action.protocol) protocol = action.protocol;
      if (action.metaData) metadata = action.metaData;
    }
    assertReadable(protocol, version);
    if (!isChangeDataFeedEnabled(metadata, protocol))
      throw cdfOffError(version, fromVersion, toVersion);
    if (metadata.schemaString !== end.metadata.schemaString)
      assertColumnsReadable(columns, schemaOf(metadata), version, range);
  }
  return { fromVersion, toVersion, start, end, columns };
}
