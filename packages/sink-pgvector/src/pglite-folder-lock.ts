import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AbortedError, SinkError } from '@drift-spark/core';

/**
 * PGlite is a single-process database: two processes opening one data folder each
 * believe they own it, and one's writes overwrite the other's. So a sink takes this
 * lock on the folder from `open()` to `close()`: a file beside the folder
 * (`<folder>.drift-lock`, created exclusively) holding the owner's pid and host.
 * A second process waits for it; a lock whose process is gone (same host, dead pid)
 * is taken over, so a killed run never blocks the next one.
 */

export interface FolderLockOptions {
  /** How long to wait for another process's lock before refusing (default 300 000 ms). */
  timeoutMs?: number;
  /** Called once when the folder is held by another process and the open starts waiting. */
  onWait?: (message: string) => void;
  signal?: AbortSignal;
  /** Time between two looks at the lock (default 200 ms). */
  pollMs?: number;
}

export interface FolderLock {
  readonly path: string;
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 300_000;

/** Folders this process holds: a second open in the same process would wait for itself. */
const heldHere = new Set<string>();

export function lockPathFor(folder: string): string {
  return `${folder.replace(/[/\\]+$/, '')}.drift-lock`;
}

export async function lockFolder(
  folder: string,
  options: FolderLockOptions = {},
): Promise<FolderLock> {
  const path = lockPathFor(folder);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    if (options.signal?.aborted)
      throw new AbortedError(undefined, { cause: options.signal.reason });
    if (heldHere.has(path)) {
      throw new SinkError(
        `The PGlite folder ${folder} is already open in this process: close the other sink on it first (PGlite takes one connection per folder).`,
      );
    }
    if (await tryCreate(path)) {
      heldHere.add(path);
      return { path, release: () => release(path) };
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    const dead = holder === 'stale' || !isAlive(holder);
    // A dead holder's lock is moved away, then the folder is tried again at once.
    if (dead && (await takeOver(path))) continue;
    const shown = dead ? { pid: 'gone', host: hostname(), since: '' } : holder;
    if (Date.now() >= deadline) {
      throw new SinkError(
        `The PGlite folder ${folder} is in use by another Drift process (pid ${shown.pid} on ${shown.host}, since ${shown.since}); waited ${Math.round(timeoutMs / 1000)} s. PGlite takes one process at a time: run again when that one ends, or use a PostgreSQL server for concurrent writers. If no such process runs, delete ${path}.`,
      );
    }
    if (!announced) {
      announced = true;
      options.onWait?.(
        `The PGlite folder ${folder} is in use by another Drift process (pid ${shown.pid}); waiting up to ${Math.round(timeoutMs / 1000)} s for it to finish.`,
      );
    }
    await sleep(options.pollMs ?? 200, options.signal);
  }
}

async function tryCreate(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw new SinkError(
      `Cannot create the lock file ${path} for the PGlite folder: ${(error as Error).message}. Check that the folder's parent is writable.`,
      { cause: error },
    );
  }
  try {
    const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

/** The holder; 'stale' for a file no process will finish writing; 'gone' if it disappeared. */
async function readHolder(path: string): Promise<Holder | 'stale' | 'gone'> {
  try {
    const text = await readFile(path, 'utf8');
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string')
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '') };
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 'gone';
  }
  // Empty or unreadable: a process between creating and writing it, unless it is old.
  try {
    const info = await stat(path);
    return Date.now() - info.mtimeMs > 10_000 ? 'stale' : { pid: -1, host: hostname(), since: '' };
  } catch {
    return 'gone';
  }
}

function isAlive(holder: Holder): boolean {
  // Another host's pid says nothing here: never take its lock over.
  if (holder.host !== hostname() || holder.pid === -1) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes a dead holder's lock. Renaming is atomic: of several processes taking the same
 * dead lock over, one moves it; the others find it gone (or newly taken) and look again.
 * The one that moved it checks it moved the dead lock, not a fresh one written meanwhile.
 */
async function takeOver(path: string): Promise<boolean> {
  const aside = `${path}.${process.pid}.${Date.now()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    // Gone already (another process took it over): look again.
    return (error as { code?: string }).code === 'ENOENT';
  }
  const moved = await readHolder(aside);
  await unlink(aside).catch(() => {});
  if (moved !== 'stale' && moved !== 'gone' && isAlive(moved)) {
    // A live lock moved by mistake: put it back unless someone else took the folder since.
    await putBack(path, moved);
  }
  return true;
}

async function putBack(path: string, holder: Holder): Promise<void> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(JSON.stringify(holder));
    } finally {
      await handle.close();
    }
  } catch {
    // Someone else holds it now; the moved holder keeps its database open regardless.
  }
}

async function release(path: string): Promise<void> {
  heldHere.delete(path);
  try {
    const holder = await readHolder(path);
    if (holder !== 'stale' && holder !== 'gone' && holder.pid === process.pid) await unlink(path);
  } catch {
    // Already gone.
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
