import type { DeltaFileInfo } from '../file-system/delta-file-system.js';
import type { DeltaAction } from '../log/delta-actions.js';
import type { DeltaLog } from '../log/delta-log.js';
import type { LogListing } from '../log/log-listing.js';

export interface ReadCommit {
  file: DeltaFileInfo;
  actions: DeltaAction[];
}

/**
 * Reads commits in version order with the next `depth` already in flight (on an object
 * store each is a round trip). Gives `undefined` for a version the listing has no commit
 * for. Each version is asked for once.
 */
export function createCommitReadAhead(
  log: DeltaLog,
  listing: LogListing,
  toVersion: number,
  depth: number,
  signal?: AbortSignal,
): (version: number) => Promise<ReadCommit | undefined> {
  const started = new Map<number, Promise<ReadCommit | undefined>>();
  return (version) => {
    for (let ahead = version; ahead <= Math.min(toVersion, version + depth); ahead++) {
      if (started.has(ahead)) continue;
      const commit = listing.commits.get(ahead);
      const read = commit
        ? log.readCommit(commit.file, signal).then((actions) => ({ file: commit.file, actions }))
        : Promise.resolve(undefined);
      read.catch(() => {}); // its failure is thrown when its turn comes
      started.set(ahead, read);
    }
    const read = started.get(version)!;
    started.delete(version);
    return read;
  };
}
