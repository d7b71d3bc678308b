import { deltaError } from '../delta-errors.js';
import type { DeltaFileInfo } from '../file-system/delta-file-system.js';
import { type DeltaSchema, schemaOf } from '../schema/delta-schema.js';
import {
  type AddAction,
  type DeltaAction,
  fileKey,
  type MetadataAction,
  type ProtocolAction,
} from './delta-actions.js';
import type { DeltaLog } from './delta-log.js';
import type { LogListing } from './log-listing.js';
import { assertReadable, isChangeDataFeedEnabled } from './protocol-gate.js';

/** The state of a table at one version. */
export interface DeltaSnapshot {
  version: number;
  metadata: MetadataAction;
  /** The version whose commit (or checkpoint) holds `metadata`: the table's last metaData change, at most. */
  metadataVersion: number;
  protocol: ProtocolAction;
  schema: DeltaSchema;
  /** Live data files (the `add` actions), each with its deletion vector. */
  files: AddAction[];
  changeDataFeed: boolean;
}

/** Applies one commit's actions: removes before adds, files keyed by (path, deletion vector id). */
function applyActions(
  actions: DeltaAction[],
  files: Map<string, AddAction>,
  state: { metadata?: MetadataAction; protocol?: ProtocolAction },
): void {
  for (const action of actions) {
    if (action.remove)
      files.delete(fileKey(decodePath(action.remove.path), action.remove.deletionVector));
    else if (action.metaData) state.metadata = action.metaData;
    else if (action.protocol) state.protocol = action.protocol;
  }
  for (const action of actions) {
    if (action.add) {
      const add = { ...action.add, path: decodePath(action.add.path) };
      files.set(fileKey(add.path, add.deletionVector), add);
    }
  }
}

/** Log paths are RFC 2396 URIs: decode them exactly once. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Rebuilds the snapshot at `version` (default: the latest): the newest complete checkpoint
 * at or before it, then the later commits in order.
 */
export async function loadSnapshot(
  log: DeltaLog,
  options: { version?: number; listing?: LogListing; signal?: AbortSignal } = {},
): Promise<DeltaSnapshot> {
  const { signal } = options;
  const listing =
    options.listing ??
    (options.version === undefined
      ? await log.listFromLastCheckpoint(signal)
      : await log.list(signal));
  const latest = listing.latestVersion;
  const version = options.version ?? latest;
  if (!Number.isInteger(version) || version < 0) {
    throw deltaError(
      'version-out-of-range',
      `Version ${version} is not a table version: versions are whole numbers from 0. The latest version of ${log.root} is ${latest}.`,
    );
  }
  if (version > latest) {
    throw deltaError(
      'version-out-of-range',
      `The table ${log.root} has no version ${version}: its latest version is ${latest}. Ask for a version up to ${latest}.`,
    );
  }
  const checkpoint = listing.checkpoints.find((candidate) => candidate.version <= version);
  const firstCommit = checkpoint ? checkpoint.version + 1 : 0;
  const commits: DeltaFileInfo[] = [];
  for (let commitVersion = firstCommit; commitVersion <= version; commitVersion++) {
    const commit = listing.commits.get(commitVersion);
    if (!commit) {
      const earliest = Math.min(
        ...listing.commits.keys(),
        ...listing.checkpoints.map((c) => c.version),
      );
      if (commitVersion < earliest || !checkpoint) {
        throw deltaError(
          'version-not-available',
          `Version ${version} of ${log.root} can no longer be read: the log files before version ${earliest} were removed by log cleanup (delta.logRetentionDuration). Read version ${earliest} or later.`,
        );
      }
      throw deltaError(
        'corrupt-log',
        `The log of ${log.root} is missing the commit file for version ${commitVersion} (versions must be contiguous). The table is damaged.`,
      );
    }
    commits.push(commit.file);
  }
  const files = new Map<string, AddAction>();
  const state: { metadata?: MetadataAction; protocol?: ProtocolAction } = {};
  let metadataVersion = -1;
  if (checkpoint) {
    applyActions(await log.readCheckpoint(checkpoint, signal), files, state);
    metadataVersion = checkpoint.version;
  }
  for (const [index, commit] of commits.entries()) {
    signal?.throwIfAborted();
    const before = state.metadata;
    applyActions(await log.readCommit(commit, signal), files, state);
    if (state.metadata !== before) metadataVersion = firstCommit + index;
  }
  if (!state.protocol || !state.metadata) {
    throw deltaError(
      'corrupt-log',
      `The log of ${log.root} has no ${state.protocol ? 'metaData' : 'protocol'} action up to version ${version}, so the table cannot be read. The table is damaged or was not written by a Delta writer.`,
    );
  }
  assertReadable(state.protocol, version);
  return {
    version,
    metadata: state.metadata,
    metadataVersion,
    protocol: state.protocol,
    schema: schemaOf(state.metadata),
    files: [...files.values()],
    changeDataFeed: isChangeDataFeedEnabled(state.metadata, state.protocol),
  };
}
