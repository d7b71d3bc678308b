import type { DeltaFileInfo } from '../file-system/delta-file-system.js';

export interface CommitFile {
  version: number;
  file: DeltaFileInfo;
}

export interface CheckpointCandidate {
  version: number;
  kind: 'classic' | 'multi-part' | 'uuid';
  /** Every part, in part order (one for classic and UUID checkpoints). */
  files: DeltaFileInfo[];
}

export interface LogListing {
  commits: Map<number, CommitFile>;
  /** Complete checkpoints only, newest first; at one version the preferred kind first. */
  checkpoints: CheckpointCandidate[];
  /** Highest version seen in a commit or a complete checkpoint; -1 when none. */
  latestVersion: number;
}

const commitPattern = /^(\d{20})\.json$/;
const classicPattern = /^(\d{20})\.checkpoint\.parquet$/;
const multiPartPattern = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const uuidPattern = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;

const kindRank: Record<CheckpointCandidate['kind'], number> = {
  uuid: 3,
  'multi-part': 2,
  classic: 1,
};

/**
 * Classifies the files of `_delta_log`. Everything that is not a commit or a checkpoint
 * (`.crc` files, Hadoop side-car checksums, compactions, `_last_checkpoint`) is ignored:
 * the listing is authoritative and `_last_checkpoint` is only a hint.
 */
export function classifyLogFiles(files: DeltaFileInfo[]): LogListing {
  const commits = new Map<number, CommitFile>();
  const checkpoints: CheckpointCandidate[] = [];
  const multiParts = new Map<
    string,
    { version: number; total: number; parts: Map<number, DeltaFileInfo> }
  >();
  for (const file of files) {
    const name = file.name;
    let match = commitPattern.exec(name);
    if (match) {
      commits.set(Number(match[1]), { version: Number(match[1]), file });
      continue;
    }
    match = classicPattern.exec(name);
    if (match) {
      checkpoints.push({ version: Number(match[1]), kind: 'classic', files: [file] });
      continue;
    }
    match = multiPartPattern.exec(name);
    if (match) {
      const version = Number(match[1]);
      const part = Number(match[2]);
      const total = Number(match[3]);
      if (part < 1 || part > total) continue;
      const key = `${version}/${total}`;
      let group = multiParts.get(key);
      if (!group) {
        group = { version, total, parts: new Map() };
        multiParts.set(key, group);
      }
      group.parts.set(part, file);
      continue;
    }
    match = uuidPattern.exec(name);
    if (match) {
      checkpoints.push({ version: Number(match[1]), kind: 'uuid', files: [file] });
    }
  }
  for (const group of multiParts.values()) {
    if (group.parts.size !== group.total) continue; // incomplete: ignore it
    const parts: DeltaFileInfo[] = [];
    for (let part = 1; part <= group.total; part++) parts.push(group.parts.get(part)!);
    checkpoints.push({ version: group.version, kind: 'multi-part', files: parts });
  }
  checkpoints.sort(
    (a, b) =>
      b.version - a.version ||
      kindRank[b.kind] - kindRank[a.kind] ||
      b.files.length - a.files.length,
  );
  let latestVersion = -1;
  for (const version of commits.keys()) latestVersion = Math.max(latestVersion, version);
  for (const checkpoint of checkpoints) latestVersion = Math.max(latestVersion, checkpoint.version);
  return { commits, checkpoints, latestVersion };
}

/** The 20-digit file name prefix of a version. */
export function versionPrefix(version: number): string {
  return String(version).padStart(20, '0');
}
