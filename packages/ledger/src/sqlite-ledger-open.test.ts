import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteLedger } from './sqlite-ledger.js';
import { ledgerSchemaVersion } from './sqlite-ledger-schema.js';
import { sink, start, useLedgerDir } from './sqlite-ledger-test-fixtures.js';

const { dir, ledgerAt, track } = useLedgerDir();

describe('createSqliteLedger', () => {
  it('opens nothing until first used, then creates the directory', async () => {
    const path = join(dir(), 'nested', 'deeper', 'ledger.db');
    const ledger = ledgerAt(path);
    expect(existsSync(join(dir(), 'nested'))).toBe(false);
    expect(await ledger.countPoints(sink)).toBe(0);
    expect(existsSync(path)).toBe(true);
  });

  it('reads DRIFT_LEDGER at first use, not at creation', async () => {
    const previous = process.env.DRIFT_LEDGER;
    const path = join(dir(), 'from-env', 'ledger.db');
    try {
      const ledger = track(createSqliteLedger());
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
    const path = join(dir(), 'ledger.db');
    await ledgerAt(path).countPoints(sink);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(ledgerSchemaVersion);
    db.close();
  });

  it('says which file is not a ledger', async () => {
    const path = join(dir(), 'not-a-ledger.db');
    writeFileSync(path, 'these are not the bytes of an SQLite database, not even close to it');
    await expect(ledgerAt(path).countPoints(sink)).rejects.toMatchObject({
      code: 'ledger',
      message: expect.stringContaining(path),
    });
  });
});
