import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contentHash,
  DriftError,
  type LedgerBatch,
  type LedgerV1,
  pointId,
  type RunCounters,
  type RunStart,
} from '@drift-spark/core';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteLedger } from './sqlite-ledger.js';
import { ledgerSchemaVersion, migrateLedger } from './sqlite-ledger-schema.js';

const source = 'delta:11111111-2222-3333-4444-555555555555';
const sink = 'qdrant://127.0.0.1:6333/docs';
const model = 'openai/text-embedding-3-small';
const fingerprint = `${model}@1536`;

let dir: string;
const opened: LedgerV1[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drift-ledger-'));
});

afterEach(async () => {
  for (const ledger of opened.splice(0)) await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

function ledgerAt(path = join(dir, 'ledger.db')): LedgerV1 {
  const ledger = createSqliteLedger({ path });
  opened.push(ledger);
  return ledger;
}

function start(runId: string, overrides: Partial<RunStart> = {}): RunStart {
  return {
    runId,
    kind: 'embed',
    sourceId: source,
    sinkId: sink,
    model,
    fingerprint,
    usdPerMillionTokens: 0.02,
    priceSource: 'provider-openai default',
    fromVersion: 3,
    toVersion: 3,
    options: { textColumn: 'body', keyColumns: ['id'] },
    startedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

const zero: RunCounters = {
  rowsProcessed: 0,
  rowsDeduped: 0,
  rowsEmbedded: 0,
  rowsReused: 0,
  rowsSkipped: 0,
  rowsFailed: 0,
  rowsDeleted: 0,
  tokens: 0,
  costUsd: 0,
};

function upsert(key: string, text: string, tokens = 10, sourceId = source) {
  return {
    pointId: pointId(sourceId, key),
    sourceId,
    key,
    contentHash: contentHash(text),
    fingerprint,
    model,
    tokens,
    costUsd: (tokens * 0.02) / 1e6,
  };
}

function batch(runId: string, parts: Partial<LedgerBatch> = {}): LedgerBatch {
  return {
    runId,
    sinkId: sink,
    upserts: [],
    deletes: [],
    failures: [],
    at: new Date('2026-01-01T00:01:00Z'),
    ...parts,
  };
}

/** Runs a child node process that exits at once; resolves with its (now dead) pid. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe('createSqliteLedger', () => {
  it('opens nothing until first used, then creates the directory', async () => {
    const path = join(dir, 'nested', 'deeper', 'ledger.db');
    const ledger = ledgerAt(path);
    expect(existsSync(join(dir, 'nested'))).toBe(false);
    expect(await ledger.countPoints(sink)).toBe(0);
    expect(existsSync(path)).toBe(true);
  });

  it('reads DRIFT_LEDGER at first use, not at creation', async () => {
    const previous = process.env.DRIFT_LEDGER;
    const path = join(dir, 'from-env', 'ledger.db');
    try {
      const ledger = createSqliteLedger();
      opened.push(ledger);
      process.env.DRIFT_LEDGER = path;
      await ledger.startRun(start('r-env'));
      expect(existsSync(path)).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.DRIFT_LEDGER;
      else process.env.DRIFT_LEDGER = previous;
    }
  });

  it('works in memory', async () => {
    const ledger = ledgerAt(':memory:');
    await ledger.startRun(start('r1'));
    expect((await ledger.getRun('r1'))?.status).toBe('running');
  });

  it('uses WAL so that readers never block the writer', async () => {
    const path = join(dir, 'ledger.db');
    await ledgerAt(path).countPoints(sink);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(ledgerSchemaVersion);
    db.close();
  });

  it('says which file is not a ledger', async () => {
    const path = join(dir, 'not-a-ledger.db');
    writeFileSync(path, 'these are not the bytes of an SQLite database, not even close to it');
    await expect(ledgerAt(path).countPoints(sink)).rejects.toMatchObject({
      code: 'ledger',
      message: expect.stringContaining(path),
    });
  });

  it('refuses use after close, and close is idempotent', async () => {
    const ledger = ledgerAt();
    await ledger.countPoints(sink);
    await ledger.close();
    await ledger.close();
    await expect(ledger.countPoints(sink)).rejects.toMatchObject({ code: 'plugin-state' });
  });
});

describe('runs', () => {
  it('records a run, its outcome and its counters', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    const running = await ledger.getRun('r1');
    expect(running).toMatchObject({
      runId: 'r1',
      status: 'running',
      kind: 'embed',
      fromVersion: 3,
      toVersion: 3,
      usdPerMillionTokens: 0.02,
    });
    expect(running?.options).toEqual({ textColumn: 'body', keyColumns: ['id'] });
    expect(running?.finishedAt).toBeUndefined();
    const counters = {
      ...zero,
      rowsProcessed: 5,
      rowsEmbedded: 4,
      rowsFailed: 1,
      tokens: 40,
      costUsd: 0.0000008,
    };
    await ledger.finishRun('r1', {
      status: 'partial',
      counters,
      finishedAt: new Date('2026-01-01T00:02:00Z'),
      error: '1 row rejected',
    });
    const done = await ledger.getRun('r1');
    expect(done).toMatchObject({ status: 'partial', counters, error: '1 row rejected' });
    expect(done?.finishedAt?.toISOString()).toBe('2026-01-01T00:02:00.000Z');
    expect(await ledger.getRun('nope')).toBeUndefined();
  });

  it('refuses a run id used twice and finishing an unknown run', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    await ledger.finishRun('r1', { status: 'succeeded', counters: zero, finishedAt: new Date() });
    await expect(ledger.startRun(start('r1'))).rejects.toMatchObject({ code: 'ledger' });
    await expect(
      ledger.finishRun('r9', { status: 'succeeded', counters: zero, finishedAt: new Date() }),
    ).rejects.toMatchObject({ code: 'ledger' });
  });

  it('lists recent runs newest first, per sink, with a limit', async () => {
    const ledger = ledgerAt();
    for (let index = 0; index < 5; index++) {
      const runId = `r${index}`;
      await ledger.startRun(
        start(runId, {
          sinkId: index % 2 === 0 ? sink : 'pg://db?table=t',
          startedAt: new Date(Date.UTC(2026, 0, 1, index)),
        }),
      );
      await ledger.finishRun(runId, {
        status: 'succeeded',
        counters: zero,
        finishedAt: new Date(),
      });
    }
    expect((await ledger.recentRuns()).map((run) => run.runId)).toEqual([
      'r4',
      'r3',
      'r2',
      'r1',
      'r0',
    ]);
    expect((await ledger.recentRuns({ sinkId: sink })).map((run) => run.runId)).toEqual([
      'r4',
      'r2',
      'r0',
    ]);
    expect((await ledger.recentRuns({ sinkId: sink, limit: 2 })).map((run) => run.runId)).toEqual([
      'r4',
      'r2',
    ]);
  });

  it('never keeps a credential given in the run options', async () => {
    const path = join(dir, 'ledger.db');
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
    const path = join(dir, 'ledger.db');
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
    const path = join(dir, 'ledger.db');
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
    const path = join(dir, 'ledger.db');
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

describe('points, history and failures', () => {
  it('commits upserts, deletes and failures in one batch, and reads them back with one query per batch', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', {
        upserts: [upsert('1', 'alpha'), upsert('2', 'alpha'), upsert('3', 'gamma')],
        failures: [
          {
            pointId: pointId(source, '4'),
            sourceId: source,
            key: '4',
            code: 'input-rejected',
            reason: 'too long',
          },
        ],
      }),
    );
    const ids = ['1', '2', '3', '4'].map((key) => pointId(source, key));
    const found = await ledger.getPoints(sink, ids);
    expect([...found.keys()].sort()).toEqual(ids.slice(0, 3).sort());
    expect(found.get(ids[0]!)).toMatchObject({
      sinkId: sink,
      key: '1',
      contentHash: contentHash('alpha'),
      fingerprint,
      model,
      tokens: 10,
      runId: 'r1',
    });
    expect(found.get(ids[0]!)?.updatedAt.toISOString()).toBe('2026-01-01T00:01:00.000Z');
    expect((await ledger.getPoints('another-sink', ids)).size).toBe(0);
    expect(await ledger.countPoints(sink)).toBe(3);

    await ledger.commitBatch(
      batch('r1', {
        upserts: [upsert('1', 'alpha v2')],
        deletes: [{ pointId: ids[2]!, sourceId: source, key: '3' }],
      }),
    );
    const after = await ledger.getPoints(sink, ids);
    expect(after.get(ids[0]!)?.contentHash).toBe(contentHash('alpha v2'));
    expect(after.has(ids[2]!)).toBe(false);
    expect(await ledger.countPoints(sink)).toBe(2);

    const failures = await ledger.failures({ runId: 'r1' });
    expect(failures).toEqual([
      {
        runId: 'r1',
        sinkId: sink,
        sourceId: source,
        key: '4',
        pointId: ids[3],
        code: 'input-rejected',
        reason: 'too long',
        at: new Date('2026-01-01T00:01:00Z'),
      },
    ]);
    expect(await ledger.failures({ sinkId: 'another-sink' })).toEqual([]);
  });

  it('leaves nothing behind from a batch it refuses', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    const bad = { ...upsert('2', 'b'), tokens: -1 };
    await expect(
      ledger.commitBatch(batch('r1', { upserts: [upsert('1', 'a'), bad] })),
    ).rejects.toMatchObject({ code: 'ledger' });
    expect(await ledger.countPoints(sink)).toBe(0);
  });

  it('finds one live point per content hash, for this sink and fingerprint only', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('1', 'same'), upsert('2', 'same'), upsert('3', 'other')] }),
    );
    const found = await ledger.findByContentHash(sink, fingerprint, [
      contentHash('same'),
      contentHash('same'),
      contentHash('missing'),
    ]);
    expect([...found.keys()]).toEqual([contentHash('same')]);
    expect(['1', '2']).toContain(found.get(contentHash('same'))?.key);
    expect(
      (await ledger.findByContentHash(sink, 'other-model@8', [contentHash('same')])).size,
    ).toBe(0);
    expect(
      (await ledger.findByContentHash('other-sink', fingerprint, [contentHash('same')])).size,
    ).toBe(0);
  });

  it('handles batches of 10k ids, beyond SQLite parameter limits', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    const upserts = Array.from({ length: 10_000 }, (_, index) =>
      upsert(String(index), `text ${index}`),
    );
    await ledger.commitBatch(batch('r1', { upserts }));
    const wanted = [
      ...upserts.map((point) => point.pointId),
      ...Array.from({ length: 2000 }, (_, index) => pointId(source, `missing-${index}`)),
    ];
    expect((await ledger.getPoints(sink, wanted)).size).toBe(10_000);
    expect(
      (
        await ledger.findByContentHash(
          sink,
          fingerprint,
          upserts.map((point) => point.contentHash),
        )
      ).size,
    ).toBe(10_000);
    expect(await ledger.countPoints(sink)).toBe(10_000);
  }, 60_000);

  it('keeps checkpoints per (source, sink, fingerprint)', async () => {
    const ledger = ledgerAt();
    const ref = { sourceId: source, sinkId: sink, fingerprint };
    expect(await ledger.getCheckpoint(ref)).toBeUndefined();
    await ledger.setCheckpoint({ ...ref, version: 7, runId: 'r1' });
    await ledger.setCheckpoint({ ...ref, version: 9, runId: 'r2' });
    await ledger.setCheckpoint({ ...ref, fingerprint: 'other@3', version: 1, runId: 'r3' });
    expect(await ledger.getCheckpoint(ref)).toMatchObject({ ...ref, version: 9, runId: 'r2' });
    expect((await ledger.getCheckpoint(ref))?.updatedAt).toBeInstanceOf(Date);
    expect((await ledger.getCheckpoint({ ...ref, fingerprint: 'other@3' }))?.version).toBe(1);
  });
});

describe('cost', () => {
  it('counts every paid embedding, including ones later overwritten, and adds up to the run totals', async () => {
    const ledger = ledgerAt();
    const totals = new Map<string, { tokens: number; costUsd: number }>();
    const runBatches: [string, RunStart, LedgerBatch['upserts'][]][] = [
      [
        'r1',
        start('r1'),
        [[upsert('1', 'a', 100), upsert('2', 'b', 200)], [upsert('3', 'c', 300)]],
      ],
      // r2 overwrites key 1 and reuses a vector for key 4 (no tokens: not an embedding paid for).
      [
        'r2',
        start('r2', { startedAt: new Date('2026-01-02T00:00:00Z') }),
        [[upsert('1', 'a2', 50), upsert('4', 'b', 0)]],
      ],
      [
        'r3',
        start('r3', {
          sinkId: 'pg://db?table=t',
          model: 'bedrock/titan',
          fingerprint: 'bedrock/titan@1024',
        }),
        [[{ ...upsert('1', 'a', 70), model: 'bedrock/titan', fingerprint: 'bedrock/titan@1024' }]],
      ],
    ];
    for (const [runId, run, batches] of runBatches) {
      await ledger.startRun(run);
      let tokens = 0;
      let costUsd = 0;
      for (const upserts of batches) {
        await ledger.commitBatch({ ...batch(runId, { upserts }), sinkId: run.sinkId });
        for (const point of upserts) {
          tokens += point.tokens;
          costUsd += point.costUsd;
        }
      }
      totals.set(runId, { tokens, costUsd });
      await ledger.finishRun(runId, {
        status: 'succeeded',
        counters: { ...zero, tokens, costUsd },
        finishedAt: new Date(),
      });
    }

    const byRun = await ledger.cost({ by: 'run' });
    for (const row of byRun) {
      const run = await ledger.getRun(row.group);
      expect(row.tokens).toBe(run?.counters.tokens);
      expect(row.costUsd).toBeCloseTo(run!.counters.costUsd, 15);
    }
    expect(byRun.find((row) => row.group === 'r1')).toMatchObject({
      tokens: 600,
      embeddings: 3,
      runs: 1,
    });
    expect(byRun.find((row) => row.group === 'r2')).toMatchObject({
      tokens: 50,
      embeddings: 1,
      runs: 1,
    });

    const byModel = await ledger.cost({ by: 'model' });
    expect(byModel.map((row) => [row.group, row.tokens, row.embeddings, row.runs])).toEqual([
      [model, 650, 4, 2],
      ['bedrock/titan', 70, 1, 1],
    ]);
    const bySink = await ledger.cost({ by: 'sink' });
    expect(bySink.find((row) => row.group === sink)?.tokens).toBe(650);
    const bySource = await ledger.cost({ by: 'source' });
    expect(bySource).toHaveLength(1);
    expect(bySource[0]?.tokens).toBe(720);
    expect(bySource[0]?.costUsd).toBeCloseTo((720 * 0.02) / 1e6, 15);
    // The live points alone would say less: the overwritten embedding of key 1 was paid too.
    const live = await ledger.getPoints(
      sink,
      ['1', '2', '3', '4'].map((key) => pointId(source, key)),
    );
    expect([...live.values()].reduce((sum, point) => sum + point.tokens, 0)).toBe(550);
  });

  it('filters by time', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('1', 'a', 100)], at: new Date('2026-01-01T00:00:00Z') }),
    );
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('2', 'b', 10)], at: new Date('2026-03-01T00:00:00Z') }),
    );
    expect(
      (await ledger.cost({ by: 'run', since: new Date('2026-02-01T00:00:00Z') }))[0]?.tokens,
    ).toBe(10);
    expect(
      (await ledger.cost({ by: 'run', until: new Date('2026-02-01T00:00:00Z') }))[0]?.tokens,
    ).toBe(100);
    expect(await ledger.cost({ by: 'run', since: new Date('2027-01-01T00:00:00Z') })).toEqual([]);
  });
});

describe('provenance and erasure', () => {
  it('tells where a point came from, by point id or by key, through deletes and erasures', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    const id = pointId(source, '1');
    await ledger.commitBatch(batch('r1', { upserts: [upsert('1', 'first'), upsert('2', 'x')] }));
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('1', 'second')], at: new Date('2026-01-01T00:02:00Z') }),
    );

    const [byId, ...none] = await ledger.provenance({ pointId: id });
    expect(none).toEqual([]);
    expect(byId?.point).toMatchObject({
      key: '1',
      contentHash: contentHash('second'),
      runId: 'r1',
    });
    expect(byId?.run?.runId).toBe('r1');
    expect(byId?.history.map((entry) => [entry.action, entry.contentHash])).toEqual([
      ['upsert', contentHash('first')],
      ['upsert', contentHash('second')],
    ]);
    expect(await ledger.provenance({ key: '1', sourceId: source })).toEqual([byId]);
    expect(await ledger.provenance({ key: '1', sinkId: 'other' })).toEqual([]);

    await ledger.commitBatch(
      batch('r1', {
        deletes: [{ pointId: id, sourceId: source, key: '1' }],
        at: new Date('2026-01-01T00:03:00Z'),
      }),
    );
    const [deleted] = await ledger.provenance({ key: '1' });
    expect(deleted?.point).toBeUndefined();
    expect(deleted?.run).toBeUndefined();
    expect(deleted?.history.map((entry) => entry.action)).toEqual(['upsert', 'upsert', 'delete']);

    await ledger.recordErasure([
      {
        sinkId: sink,
        pointId: pointId(source, '2'),
        sourceId: source,
        key: '2',
        runId: 'forget-1',
        reason: 'GDPR request #42',
      },
    ]);
    expect(await ledger.countPoints(sink)).toBe(0);
    const [erased] = await ledger.provenance({ pointId: pointId(source, '2') });
    expect(erased?.point).toBeUndefined();
    expect(erased?.history.at(-1)).toMatchObject({
      action: 'erase',
      key: '2',
      runId: 'forget-1',
      reason: 'GDPR request #42',
    });
  });
  it('forgets the hashes and failure reasons of an erased point, down to the file bytes', async () => {
    const path = join(dir, 'ledger.db');
    const ledger = ledgerAt(path);
    const erased = 'jane.example@example.com';
    const kept = 'public announcement';
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', { upserts: [upsert('1', 'old text of row one'), upsert('2', kept)] }),
    );
    await ledger.commitBatch(
      batch('r1', {
        upserts: [upsert('1', erased)],
        failures: [
          {
            pointId: pointId(source, '1'),
            sourceId: source,
            key: '1',
            code: 'input-rejected',
            reason: 'rejected: QUOTED-INPUT',
          },
        ],
      }),
    );
    await ledger.recordErasure([
      {
        sinkId: sink,
        pointId: pointId(source, '1'),
        sourceId: source,
        key: '1',
        runId: 'forget-1',
        reason: 'request 7',
      },
    ]);
    const [provenance] = await ledger.provenance({ pointId: pointId(source, '1') });
    expect(provenance?.history.map((entry) => [entry.action, entry.contentHash])).toEqual([
      ['upsert', undefined],
      ['upsert', undefined],
      ['erase', undefined],
    ]);
    expect(await ledger.failures({ runId: 'r1' })).toEqual([]);
    await ledger.close();
    const bytes = readDatabaseBytes(path);
    expect(bytes.includes(contentHash(kept))).toBe(true);
    expect(bytes.includes(contentHash(erased))).toBe(false);
    expect(bytes.includes(contentHash('old text of row one'))).toBe(false);
    expect(bytes.includes('QUOTED-INPUT')).toBe(false);
  });
});

describe('what the ledger stores', () => {
  it('never holds the text that was embedded', async () => {
    const path = join(dir, 'ledger.db');
    const ledger = ledgerAt(path);
    const text = 'Patient Jane Q. Example was seen on the fourth of March';
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(batch('r1', { upserts: [upsert('1', text)] }));
    await ledger.finishRun('r1', { status: 'succeeded', counters: zero, finishedAt: new Date() });
    await ledger.close();
    const bytes = readDatabaseBytes(path);
    expect(bytes.includes(contentHash(text))).toBe(true); // the file was read and holds the row
    expect(bytes.includes(text)).toBe(false);
    expect(bytes.includes('Jane Q. Example')).toBe(false);
  });
});

describe('schema migrations', () => {
  it('migrates a ledger written by an older version, keeping its data', async () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    expect(migrateLedger(old, 1)).toBe(1);
    old
      .prepare(
        `INSERT INTO runs (id, kind, status, source_id, sink_id, model, fingerprint, usd_per_million_tokens, price_source, started_at, finished_at, tokens, cost_usd)
       VALUES ('old-run', 'embed', 'succeeded', ?, ?, ?, ?, 0.02, 'default', 1, 2, 10, 0.0000002)`,
      )
      .run(source, sink, model, fingerprint);
    const name = old.prepare('INSERT INTO names (name) VALUES (?) RETURNING id').pluck();
    const [sinkNo, sourceNo, fingerprintNo, modelNo, runNo] = [
      sink,
      source,
      fingerprint,
      model,
      'old-run',
    ].map((value) => name.get(value));
    old
      .prepare(
        `INSERT INTO points (sink, point_id, source, key, content_hash, fingerprint, model, tokens, cost_usd, run, updated_at)
       VALUES (?, ?, ?, '1', ?, ?, ?, 10, 0.0000002, ?, 2)`,
      )
      .run(sinkNo, pointId(source, '1'), sourceNo, contentHash('a'), fingerprintNo, modelNo, runNo);
    old
      .prepare(
        `INSERT INTO history (action, sink, point_id, source, key, content_hash, fingerprint, model, tokens, cost_usd, run, at)
       VALUES ('upsert', ?, ?, ?, '1', ?, ?, ?, 10, 0.0000002, ?, 2)`,
      )
      .run(sinkNo, pointId(source, '1'), sourceNo, contentHash('a'), fingerprintNo, modelNo, runNo);
    old.close();

    const ledger = ledgerAt(path);
    expect((await ledger.getRun('old-run'))?.counters.tokens).toBe(10);
    expect(
      (await ledger.getPoints(sink, [pointId(source, '1')])).get(pointId(source, '1'))?.contentHash,
    ).toBe(contentHash('a'));
    expect((await ledger.provenance({ key: '1' }))[0]?.history).toHaveLength(1);
    expect((await ledger.cost({ by: 'model' }))[0]).toMatchObject({
      group: model,
      tokens: 10,
      runs: 1,
    });
    await ledger.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(ledgerSchemaVersion);
    expect(
      check.prepare("SELECT name FROM sqlite_master WHERE name = 'history_key'").pluck().get(),
    ).toBe('history_key');
    check.close();
  });

  it('refuses a ledger written by a newer version, saying what to do', async () => {
    const path = join(dir, 'new.db');
    const future = new Database(path);
    future.pragma(`user_version = ${ledgerSchemaVersion + 5}`);
    future.close();
    await expect(ledgerAt(path).countPoints(sink)).rejects.toThrow(
      /newer.*Upgrade @drift-spark\/ledger/,
    );
  });
});

/** The database file and its write-ahead log, as one buffer to search. */
function readDatabaseBytes(path: string): Buffer {
  const parts = [readFileSync(path)];
  if (existsSync(`${path}-wal`)) parts.push(readFileSync(`${path}-wal`));
  return Buffer.concat(parts);
}
