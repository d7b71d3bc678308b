import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DriftError } from '@drift-spark/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  batch,
  deadPid,
  readDatabaseBytes,
  start,
  upsert,
  useLedgerDir,
  zero,
} from './sqlite-ledger-test-fixtures.js';

const { dir, ledgerAt } = useLedgerDir();

describe('runs', () => {
  it('never keeps a credential given in the run options', async () => {
    const path = join(dir(), 'ledger.db');
    const ledger = ledgerAt(path);
    await ledger.startRun(
      start('r1', {
        options: {
          textColumn: 'body',
          apiKey: 'sk-live-SECRET1',
          sink: 'pg://drift:hunter2pw@db:5432/x',
          nested: { password: 'SECRET2' },
        },
      }),
    );
    expect((await ledger.getRun('r1'))?.options).toEqual({
      textColumn: 'body',
      sink: 'pg://drift:***@db:5432/x',
      nested: {},
    });
    await ledger.close();
    const bytes = readDatabaseBytes(path);
    for (const secret of ['sk-live-SECRET1', 'hunter2pw', 'SECRET2'])
      expect(bytes.includes(secret)).toBe(false);
  });
});

describe('the (source, sink) lock', () => {
  it('refuses a second run on the same pair from another ledger on the same file, naming the holder', async () => {
    const path = join(dir(), 'ledger.db');
    const first = ledgerAt(path);
    const second = ledgerAt(path);
    await first.startRun(start('holder', { startedAt: new Date('2026-02-03T04:05:06Z') }));
    const error = await second.startRun(start('waiter')).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(DriftError.hasCode(error, 'locked')).toBe(true);
    expect((error as { holderRunId: string }).holderRunId).toBe('holder');
    const message = (error as Error).message;
    expect(message).toContain('holder');
    expect(message).toContain(`pid ${process.pid}`);
    expect(message).toContain(hostname());
    expect(message).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(message).toMatch(/Wait/);
    // The refused run left nothing behind.
    expect(await second.getRun('waiter')).toBeUndefined();
    // Another sink is another lock.
    await second.startRun(start('other-sink', { sinkId: 'pg://db?table=t' }));
    // Once the holder finishes, the pair is free.
    await first.finishRun('holder', {
      status: 'succeeded',
      counters: zero,
      finishedAt: new Date(),
    });
    await second.startRun(start('waiter'));
    expect((await first.getRun('waiter'))?.status).toBe('running');
  });

  it('takes over a lock whose process on this host is gone and marks that run interrupted', async () => {
    const path = join(dir(), 'ledger.db');
    const crashed = ledgerAt(path);
    await crashed.startRun(start('crashed'));
    await crashed.commitBatch(
      batch('crashed', { upserts: [upsert('1', 'one', 100), upsert('2', 'two', 50)] }),
    );
    await crashed.close();
    // What a SIGKILLed process leaves: its run 'running' and its lock, under a pid now gone.
    const pid = await deadPid();
    const db = new Database(path);
    db.prepare('UPDATE locks SET pid = ?').run(pid);
    db.prepare('UPDATE runs SET pid = ?').run(pid);
    db.close();

    const next = ledgerAt(path);
    await next.startRun(start('next'));
    const interrupted = await next.getRun('crashed');
    expect(interrupted).toMatchObject({ status: 'failed', error: 'interrupted' });
    expect(interrupted?.finishedAt).toBeInstanceOf(Date);
    // What it paid for stays on its record.
    expect(interrupted?.counters.tokens).toBe(150);
    expect(interrupted?.counters.costUsd).toBeCloseTo((150 * 0.02) / 1e6, 15);
    expect((await next.getRun('next'))?.status).toBe('running');
  });

  it('does not take over a lock held by a live process, nor one on another host', async () => {
    const path = join(dir(), 'ledger.db');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const ledger = ledgerAt(path);
      await ledger.startRun(start('alive'));
      await ledger.startRun(start('remote', { sinkId: 'pg://db?table=t' }));
      const db = new Database(path);
      db.prepare("UPDATE locks SET pid = ? WHERE run_id = 'alive'").run(child.pid);
      db.prepare(
        "UPDATE locks SET pid = ?, hostname = 'elsewhere.example' WHERE run_id = 'remote'",
      ).run(await deadPid());
      db.close();
      await expect(ledger.startRun(start('second'))).rejects.toMatchObject({
        code: 'locked',
        holderRunId: 'alive',
      });
      const remote = ledger.startRun(start('second-remote', { sinkId: 'pg://db?table=t' }));
      await expect(remote).rejects.toMatchObject({ code: 'locked', holderRunId: 'remote' });
      await expect(remote).rejects.toThrow(/elsewhere\.example/);
    } finally {
      child.kill();
    }
  });
});
