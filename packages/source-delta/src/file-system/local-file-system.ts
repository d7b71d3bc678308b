import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
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

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Local paths or `file:` URIs. */
function toLocal(target: string): string {
  return target.startsWith('file:') ? fileURLToPath(target) : target;
}

/**
 * The local filesystem as a `DeltaFileSystem`. Its calls are synchronous behind the async
 * interface: a local read is a copy from the page cache, and handing each open, read and
 * close to libuv's thread pool cost more than the copy (the 100k-row change feed bench:
 * −18% CPU, −35% wall). A call blocks the event loop for as long as the disk takes, which on
 * a local disk is well under a millisecond per MB. A read then lets one turn of the event
 * loop pass, as an asynchronous read did: a reader that never meets other I/O (a scan into
 * an in-process sink) still lets timers and signals (Ctrl-C) in.
 */
export function createLocalFileSystem(): DeltaFileSystem {
  return {
    async list(directory: string): Promise<DeltaFileInfo[] | undefined> {
      const local = toLocal(directory);
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(local, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw orPermissionError(error, local);
      }
      const files: DeltaFileInfo[] = [];
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const full = path.join(local, entry.name);
        try {
          const info = statSync(full);
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
      let descriptor: number;
      try {
        descriptor = openSync(local, 'r');
      } catch (error) {
        if (isNotFound(error)) {
          throw deltaError('file-missing', `The file ${local} does not exist.`, error);
        }
        throw orPermissionError(error, local);
      }
      let bytes: Uint8Array;
      try {
        const range = options.range ?? { start: 0, end: fstatSync(descriptor).size };
        const length = Math.max(0, range.end - range.start);
        const buffer = new Uint8Array(length);
        let offset = 0;
        while (offset < length) {
          const bytesRead = readSync(
            descriptor,
            buffer,
            offset,
            length - offset,
            range.start + offset,
          );
          if (bytesRead === 0) break;
          offset += bytesRead;
        }
        bytes = offset === length ? buffer : buffer.subarray(0, offset);
      } finally {
        closeSync(descriptor);
      }
      await nextTurn();
      return bytes;
    },

    async stat(target: string): Promise<DeltaFileInfo | undefined> {
      const local = toLocal(target);
      try {
        const info = statSync(local);
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
        return statSync(toLocal(target)).isDirectory();
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
