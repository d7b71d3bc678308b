import { join } from 'node:path';
import { contentHash, pointId } from '@drift-spark/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ledgerSchemaVersion, migrateLedger } from './sqlite-ledger-schema.js';
import { fingerprint, model, sink, source, useLedgerDir } from './sqlite-ledger-test-fixtures.js';

const { dir, ledgerAt } = useLedgerDir();

describe('schema migrations', () => {
  it('migrates a ledger written by an older version, keeping its data', async () => {
    const path = join(dir(), 'old.db');
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
    const path = join(dir(), 'new.db');
    const future = new Database(path);
    future.pragma(`user_version = ${ledgerSchemaVersion + 5}`);
    future.close();
    await expect(ledgerAt(path).countPoints(sink)).rejects.toThrow(
      /newer.*Upgrade @drift-spark\/ledger/,
    );
  });
});
