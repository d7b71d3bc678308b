import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, type LedgerBatch, pointId, type RunStart } from '@drift-spark/core';
import { zeroCounters } from '@drift-spark/core/internal';
import { afterEach, beforeEach } from 'vitest';
import { createSqliteLedger, type SqliteLedger } from './sqlite-ledger.js';

// What the SQLite ledger's own tests share: a fresh folder per test, ledgers closed after
// it, and runs and rows to write. The conformance suite covers the contract; these files
// cover what is SQLite's own (the file, its bytes, processes, schema steps).

export const source = 'delta:11111111-2222-3333-4444-555555555555';
export const sink = 'qdrant://127.0.0.1:6333/docs';
export const model = 'openai/text-embedding-3-small';
export const fingerprint = `${model}@1536`;
export const zero = zeroCounters();

/** Registers a temporary folder per test; `dir()` is the current one, `ledgerAt` opens a ledger in it. */
export function useLedgerDir(prefix = 'drift-ledger-') {
  let dir = '';
  const opened: SqliteLedger[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const ledger of opened.splice(0)) await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    /** A ledger on `path` (default `ledger.db` in the test's folder), closed after the test. */
    ledgerAt(path = join(dir, 'ledger.db')): SqliteLedger {
      const ledger = createSqliteLedger({ path });
      opened.push(ledger);
      return ledger;
    },
    /** Closes `ledger` after the test too (one created without `ledgerAt`). */
    track(ledger: SqliteLedger): SqliteLedger {
      opened.push(ledger);
      return ledger;
    },
  };
}

export function start(runId: string, overrides: Partial<RunStart> = {}): RunStart {
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

export function upsert(key: string, text: string, tokens = 10, sourceId = source) {
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

export function batch(runId: string, parts: Partial<LedgerBatch> = {}): LedgerBatch {
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
export function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

/** The database file and its write-ahead log, as one buffer to search. */
export function readDatabaseBytes(path: string): Buffer {
  const parts = [readFileSync(path)];
  if (existsSync(`${path}-wal`)) parts.push(readFileSync(`${path}-wal`));
  return Buffer.concat(parts);
}
