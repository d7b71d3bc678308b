import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deltaError } from '../delta-errors.js';
import type {
  ByteRange,
  DeltaFileInfo,
  DeltaFileSystem,
  DeltaFileSystemCallOptions,
} from './delta-file-system.js';

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A folder or file this user may not read is said so, naming it: without this a table
 * folder without permission looked like a folder without `_delta_log`.
 */
function orPermissionError(error: unknown, target: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'EACCES' && code !== 'EPERM') return error;
  return deltaError(
    'permission-denied',
    `Permission denied (${code}) reading ${target}: give the user running drift read access to the table's folder and its files.`,
    error,
  );
}

/** Local paths or `file:` URIs. */
function toLocal(target: string): string {
  return target.startsWith('file:') ? fileURLToPath(target) : target;
}

/** The local filesystem as a `DeltaFileSystem`. */
export function createLocalFileSystem(): DeltaFileSystem {
  return {
    async list(directory: string): Promise<DeltaFileInfo[] | undefined> {
      const local = toLocal(directory);
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(local, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw orPermissionError(error, local);
      }
      const files: DeltaFileInfo[] = [];
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const full = path.join(local, entry.name);
        try {
          const info = await stat(full);
          files.push({
            path: full,
            name: entry.name,
            size: info.size,
            modificationTime: info.mtimeMs,
          });
        } catch (error) {
          if (!isNotFound(error)) throw orPermissionError(error, full); // gone while listing: skip it
        }
      }
      return files;
    },

    async read(
      target: string,
      options: DeltaFileSystemCallOptions & { range?: ByteRange } = {},
    ): Promise<Uint8Array> {
      const local = toLocal(target);
      let handle: import('node:fs/promises').FileHandle;
      try {
        handle = await open(local, 'r');
      } catch (error) {
        if (isNotFound(error)) {
          throw deltaError('file-missing', `The file ${local} does not exist.`, error);
        }
        throw orPermissionError(error, local);
      }
      try {
        let { range } = options;
        if (!range) {
          const info = await handle.stat();
          range = { start: 0, end: info.size };
        }
        const length = Math.max(0, range.end - range.start);
        const buffer = new Uint8Array(length);
        let offset = 0;
        while (offset < length) {
          const { bytesRead } = await handle.read(
            buffer,
            offset,
            length - offset,
            range.start + offset,
          );
          if (bytesRead === 0) break;
          offset += bytesRead;
        }
        return offset === length ? buffer : buffer.subarray(0, offset);
      } finally {
        await handle.close();
      }
    },

    async stat(target: string): Promise<DeltaFileInfo | undefined> {
      const local = toLocal(target);
      try {
        const info = await stat(local);
        if (!info.isFile()) return undefined;
        return {
          path: local,
          name: path.basename(local),
          size: info.size,
          modificationTime: info.mtimeMs,
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw orPermissionError(error, local);
      }
    },

    async isDirectory(target: string): Promise<boolean> {
      try {
        return (await stat(toLocal(target))).isDirectory();
      } catch (error) {
        if (isNotFound(error)) return false;
        throw orPermissionError(error, toLocal(target));
      }
    },

    resolve(root: string, relative: string): string {
      if (relative.startsWith('file:')) return fileURLToPath(relative);
      if (path.isAbsolute(relative)) return relative;
      return path.join(toLocal(root), relative);
    },
  };
}
