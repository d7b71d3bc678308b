import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { contentHash, pointId, type RunStart } from '@drift-spark/core';
import { zeroCounters } from '@drift-spark/core/internal';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrateLedger } from './sqlite-ledger-schema.js';
import { readDatabaseBytes, useLedgerDir } from './sqlite-ledger-test-fixtures.js';

/** What the ledger keeps about failures, errors and the processes of runs: no text, no secret. */

const source = 'delta:aaaaaaaa-2222-3333-4444-555555555555';
const sink = 'pg://drift@db:5432/app?table=docs';
const { dir, ledgerAt } = useLedgerDir('drift-ledger-safety-');

function start(runId: string): RunStart {
  return {
    runId,
    kind: 'embed',
    sourceId: source,
    sinkId: sink,
    model: 'openai/text-embedding-3-small',
    fingerprint: 'openai/text-embedding-3-small@1536',
    usdPerMillionTokens: 0.02,
    priceSource: 'default',
    options: { textColumn: 'body', sinkUri: 'postgres://drift:pa/ss@db/app?password=p2' },
    startedAt: new Date(),
  };
}

function fileBytes(path: string): string {
  return readDatabaseBytes(path).toString('latin1');
}

describe('what the SQLite ledger keeps', () => {
  it('a failure: its code, reason, and the hash and length of the text', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    const text = 'the refused text';
    await ledger.commitBatch({
      runId: 'r1',
      sinkId: sink,
      upserts: [],
      deletes: [],
      failures: [
        {
          sourceId: source,
          key: '7',
          pointId: pointId(source, '7'),
          code: 'input-rejected',
          reason: 'refused (400)',
          contentHash: contentHash(text),
          textLength: text.length,
        },
      ],
      at: new Date(),
    });
    expect(await ledger.failures({ runId: 'r1' })).toEqual([
      expect.objectContaining({
        key: '7',
        code: 'input-rejected',
        reason: 'refused (400)',
        contentHash: contentHash(text),
        textLength: 16,
      }),
    ]);
  });

  it('no credential from a run error or the run options', async () => {
    const path = join(dir(), 'ledger.db');
    const ledger = ledgerAt(path);
    await ledger.startRun(start('r1'));
    await ledger.finishRun('r1', {
      status: 'failed',
      counters: zeroCounters(),
      finishedAt: new Date(),
      error: 'sink: could not reach postgres://drift:hunter2@db/app?api_key=KEY123456',
    });
    const run = await ledger.getRun('r1');
    expect(run?.error).toBe('sink: could not reach postgres://drift:***@db/app?api_key=***');
    expect(run?.options?.sinkUri).toBe('postgres://drift:***@db/app?password=***');
    await ledger.close();
    const bytes = fileBytes(path);
    for (const secret of ['hunter2', 'KEY123456', 'pa/ss', '=p2'])
      expect(bytes).not.toContain(secret);
  });

  it('drops the failure reasons an older ledger kept, which could quote the input', async () => {
    const path = join(dir(), 'old.db');
    const old = new Database(path);
    migrateLedger(old, 2);
    old.prepare("INSERT INTO names (id, name) VALUES (1, 'run'), (2, ?), (3, ?)").run(sink, source);
    old
      .prepare(
        "INSERT INTO failures (run, sink, source, key, point_id, code, reason, at) VALUES (1, 2, 3, '1', 'p', 'input-rejected', 'Invalid input: my private note', 0)",
      )
      .run();
    old.close();
    const ledger = ledgerAt(path);
    expect((await ledger.failures({}))[0]?.reason).toBe(
      'input-rejected (reason dropped: it could quote the input text)',
    );
  });
});

describe('the process of a run', () => {
  it('is recorded, and a run whose process is gone says so while it stays "running"', async () => {
    const path = join(dir(), 'ledger.db');
    const ledger = ledgerAt(path);
    await ledger.startRun(start('mine'));
    const mine = await ledger.getRun('mine');
    expect(mine?.process).toEqual({ pid: process.pid, hostname: hostname(), alive: true });

    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const db = new Database(path);
    db.prepare("UPDATE runs SET pid = ? WHERE id = 'mine'").run(Number(gone.stdout));
    db.prepare(
      "INSERT INTO runs (id, kind, status, source_id, sink_id, model, fingerprint, usd_per_million_tokens, price_source, started_at, pid, hostname) VALUES ('far', 'sync', 'running', 's', 'k', 'm', 'f', 0, 'p', 1, 4242, 'another-host')",
    ).run();
    db.close();
    expect((await ledger.getRun('mine'))?.process?.alive).toBe(false);
    expect((await ledger.recentRuns({})).find((run) => run.runId === 'far')?.process).toEqual({
      pid: 4242,
      hostname: 'another-host',
    });
  });
});

describe('checkIntegrity', () => {
  it('passes on a sound ledger and names the file of a damaged one', async () => {
    const path = join(dir(), 'ledger.db');
    const ledger = ledgerAt(path);
    await ledger.startRun(start('r1'));
    await ledger.commitBatch({
      runId: 'r1',
      sinkId: sink,
      upserts: Array.from({ length: 400 }, (_, index) => ({
        pointId: pointId(source, String(index)),
        sourceId: source,
        key: String(index),
        contentHash: contentHash(`text ${index}`),
        fingerprint: 'f',
        model: 'm',
        tokens: 1,
        costUsd: 0,
      })),
      deletes: [],
      failures: [],
      at: new Date(),
    });
    await ledger.checkIntegrity?.();
    await ledger.close();
    // Damage the last pages (points and history), which opening and counting runs never read.
    const bytes = readFileSync(path);
    for (let at = bytes.length - 4 * 4096; at < bytes.length; at += 3) bytes[at] = 0xab;
    writeFileSync(path, bytes);
    await expect(ledgerAt(path).checkIntegrity?.()).rejects.toThrow(
      new RegExp(`ledger at ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*(damaged|malformed)`),
    );
  });
});
