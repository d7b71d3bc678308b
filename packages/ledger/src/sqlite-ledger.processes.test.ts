import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteLedger } from './sqlite-ledger.js';

const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, 'sqlite-ledger-test-child.ts');

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drift-ledger-processes-'));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface ChildRun {
  runId: string;
  sourceId?: string;
  sinkId: string;
  batches: number;
  batchSize: number;
  mode: 'finish' | 'hold';
}

/** Starts a child process on the ledger; resolves with its first stdout line (or its exit). */
function startChild(
  path: string,
  run: ChildRun,
): { child: ChildProcess; firstLine: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', childScript, JSON.stringify({ path, sourceId: 'delta:table-1', ...run })],
    {
      cwd: join(here, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.on('exit', (code) =>
      reject(new Error(`child exited (${code}) before writing a line: ${stderr}`)),
    );
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, firstLine, exit };
}

describe('several processes on one ledger file', () => {
  it('lets two processes and this one write at the same time, losing nothing', async () => {
    const path = join(dir, 'ledger.db');
    const ledger = createSqliteLedger({ path });
    await ledger.countPoints('x'); // creates the file and its schema first
    const one = startChild(path, {
      runId: 'child-1',
      sinkId: 'sink-1',
      batches: 10,
      batchSize: 500,
      mode: 'finish',
    });
    const two = startChild(path, {
      runId: 'child-2',
      sinkId: 'sink-2',
      batches: 10,
      batchSize: 500,
      mode: 'finish',
    });
    // Meanwhile this process reads and writes too.
    await ledger.startRun({
      runId: 'parent',
      kind: 'embed',
      sourceId: 'delta:table-1',
      sinkId: 'sink-3',
      model: 'm',
      fingerprint: 'm@8',
      usdPerMillionTokens: 1,
      priceSource: 'test',
      startedAt: new Date(),
    });
    for (let batch = 0; batch < 20; batch++) {
      const upserts = Array.from({ length: 200 }, (_, offset) => ({
        pointId: `p-${batch}-${offset}`,
        sourceId: 'delta:table-1',
        key: `${batch}-${offset}`,
        contentHash: `h-${batch}-${offset}`,
        fingerprint: 'm@8',
        model: 'm',
        tokens: 1,
        costUsd: 0,
      }));
      await ledger.commitBatch({
        runId: 'parent',
        sinkId: 'sink-3',
        upserts,
        deletes: [],
        failures: [],
        at: new Date(),
      });
      await ledger.countPoints('sink-1');
    }
    expect(await one.firstLine).toBe('done');
    expect(await two.firstLine).toBe('done');
    expect(await one.exit).toBe(0);
    expect(await two.exit).toBe(0);
    expect(await ledger.countPoints('sink-1')).toBe(5_000);
    expect(await ledger.countPoints('sink-2')).toBe(5_000);
    expect(await ledger.countPoints('sink-3')).toBe(4_000);
    expect((await ledger.getRun('child-1'))?.status).toBe('succeeded');
    const byRun = await ledger.cost({ by: 'run' });
    expect(byRun.find((row) => row.group === 'child-2')).toMatchObject({
      tokens: 25_000,
      embeddings: 5_000,
    });
    await ledger.close();
  }, 120_000);

  it('refuses a second process on the same source and sink, and takes over after the holder is SIGKILLed', async () => {
    const path = join(dir, 'ledger.db');
    const holder = startChild(path, {
      runId: 'holder',
      sinkId: 'sink-1',
      batches: 2,
      batchSize: 100,
      mode: 'hold',
    });
    expect(await holder.firstLine).toBe('ready');

    const refused = startChild(path, {
      runId: 'refused',
      sinkId: 'sink-1',
      batches: 1,
      batchSize: 1,
      mode: 'finish',
    });
    const answer = JSON.parse(await refused.firstLine) as { error: string; message: string };
    expect(answer.error).toBe('locked');
    expect(answer.message).toContain('holder');
    expect(answer.message).toContain(`pid ${holder.child.pid}`);
    expect(await refused.exit).toBe(3);

    holder.child.kill('SIGKILL');
    await holder.exit;
    const ledger = createSqliteLedger({ path });
    await ledger.startRun({
      runId: 'after',
      kind: 'embed',
      sourceId: 'delta:table-1',
      sinkId: 'sink-1',
      model: 'm',
      fingerprint: 'm@8',
      usdPerMillionTokens: 1,
      priceSource: 'test',
      startedAt: new Date(),
    });
    const interrupted = await ledger.getRun('holder');
    expect(interrupted).toMatchObject({ status: 'failed', error: 'interrupted' });
    // Its committed batches survived the kill, and what it paid stays on its record.
    expect(await ledger.countPoints('sink-1')).toBe(200);
    expect(interrupted?.counters.tokens).toBe(1000);
    expect(await ledger.getRun('refused')).toBeUndefined();
    await ledger.close();
  }, 120_000);
});
