import { deltaError, hasReason } from '../delta-errors.js';
import type { DeltaFileInfo, DeltaFileSystem } from '../file-system/delta-file-system.js';
import { readCheckpointParquet } from './checkpoint-parquet.js';
import type {
  AddAction,
  DeltaAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
} from './delta-actions.js';
import { parseActions } from './log-actions.js';
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
        actions.push(
          ...(await readCheckpointParquet(this.fileSystem, file.path, file.size, signal)),
        );
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
      result.push(...(await readCheckpointParquet(this.fileSystem, path, info.size, signal)));
    }
    return result;
  }
}

export type { AddAction, MetadataAction, ProtocolAction, RemoveAction };
