import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFolder, lockPathFor } from './pglite-folder-lock.js';

/** A child process that lives until killed, and its pid. */
function liveProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

function holdAs(folder: string, pid: number): void {
  writeFileSync(
    lockPathFor(folder),
    JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }),
  );
}

const children: ReturnType<typeof liveProcess>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('the PGlite folder lock', () => {
  it('is held from lock to release, beside the folder, with this pid', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'drift-lock-')), 'db');
    const lock = await lockFolder(folder);
    expect(JSON.parse(readFileSync(lockPathFor(folder), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    await expect(lockFolder(folder)).rejects.toThrow(/already open in this process/);
    await lock.release();
    expect(existsSync(lockPathFor(folder))).toBe(false);
    await (await lockFolder(folder)).release();
  });

  it('waits for a live holder, says so once, and refuses clearly after the timeout', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'drift-lock-')), 'db');
    const holder = liveProcess();
    children.push(holder);
    holdAs(folder, holder.pid as number);
    const notes: string[] = [];
    await expect(
      lockFolder(folder, { timeoutMs: 600, pollMs: 50, onWait: (note) => notes.push(note) }),
    ).rejects.toThrow(
      new RegExp(`in use by another Drift process \\(pid ${holder.pid}.*waited 1 s.*delete`),
    );
    expect(notes).toEqual([
      expect.stringMatching(/in use by another Drift process.*waiting up to/),
    ]);
  });

  it('gets the folder as soon as the holder lets it go', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'drift-lock-')), 'db');
    const first = await lockFolder(folder);
    // The same process cannot wait for itself: pretend the holder is another live process.
    const holder = liveProcess();
    children.push(holder);
    await first.release();
    holdAs(folder, holder.pid as number);
    setTimeout(() => holder.kill('SIGKILL'), 300);
    const lock = await lockFolder(folder, { timeoutMs: 10_000, pollMs: 50 });
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over the lock of a process that died without releasing it', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'drift-lock-')), 'db');
    holdAs(folder, await deadPid());
    const lock = await lockFolder(folder, { timeoutMs: 0 });
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('never takes over a lock held from another host', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'drift-lock-')), 'db');
    writeFileSync(
      lockPathFor(folder),
      JSON.stringify({ pid: await deadPid(), host: 'another-host', since: '' }),
    );
    await expect(lockFolder(folder, { timeoutMs: 100, pollMs: 20 })).rejects.toThrow(
      /on another-host/,
    );
  });
});
