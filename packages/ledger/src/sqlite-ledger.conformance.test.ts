import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ledger } from '@drift-spark/core';
import { testLedger } from '@drift-spark/core/testkit';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { createSqliteLedger } from './sqlite-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'drift-ledger-conformance-'));
const paths = new WeakMap<Ledger, string>();
let made = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ledgerAt(path: string): Ledger {
  const ledger = createSqliteLedger({ path });
  paths.set(ledger, path);
  return ledger;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

testLedger({
  title: 'SQLite ledger conformance (file)',
  create: () => ledgerAt(join(dir, `ledger-${++made}.db`)),
  // Another instance on the same file, as another process would open it.
  reopen: (ledger) => ledgerAt(paths.get(ledger)!),
  // What a SIGKILLed process leaves behind: its lock, under a pid that no longer exists.
  abandonLock: (ledger, runId) => {
    const db = new Database(paths.get(ledger)!);
    db.prepare('UPDATE locks SET pid = ? WHERE run_id = ?').run(deadPid(), runId);
    db.close();
  },
});
