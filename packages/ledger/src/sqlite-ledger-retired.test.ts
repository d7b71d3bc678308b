import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteLedger } from './sqlite-ledger.js';
import { fingerprint, sink, source, useLedgerDir } from './sqlite-ledger-test-fixtures.js';

const { dir, ledgerAt, track } = useLedgerDir('drift-ledger-retired-');

const retired = (key: string, value: number) => ({
  sourceId: source,
  key,
  contentHash: `hash-${key}`,
  fingerprint,
  vector: Float32Array.from({ length: 1536 }, (_, index) => value + index / 1536),
});

const hashes = (keys: string[]) => keys.map((key) => `hash-${key}`);

describe('vectors of edited chunks in the SQLite ledger', () => {
  it('keeps at most `retiredVectors` per sink, the newest, byte for byte', async () => {
    const path = join(dir(), 'ledger.db');
    const ledger = track(createSqliteLedger({ path, retiredVectors: 3 }));
    for (const key of ['1', '2', '3', '4'])
      await ledger.keepRetiredVectors(sink, [retired(key, Number(key))]);
    // Kept again: '2' is now the newest, so '3' is the oldest after it and goes next.
    await ledger.keepRetiredVectors(sink, [retired('2', 2), retired('5', 5)]);
    const found = await ledger.findRetiredVectors(
      sink,
      fingerprint,
      hashes(['1', '2', '3', '4', '5']),
    );
    expect([...found.keys()].sort()).toEqual(hashes(['2', '4', '5']));
    expect([...found.get('hash-5')!]).toEqual([...retired('5', 5).vector]);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM retired_vectors').pluck().get()).toBe(3);
    db.close();
  });

  it('keeps none with `retiredVectors: 0`; dropSink forgets a sink’s', async () => {
    const none = track(createSqliteLedger({ path: join(dir(), 'none.db'), retiredVectors: 0 }));
    await none.keepRetiredVectors(sink, [retired('1', 1)]);
    expect((await none.findRetiredVectors(sink, fingerprint, ['hash-1'])).size).toBe(0);

    const ledger = ledgerAt();
    await ledger.keepRetiredVectors(sink, [retired('1', 1)]);
    await ledger.keepRetiredVectors('pgvector://other', [retired('1', 1)]);
    await ledger.dropSink(sink);
    expect((await ledger.findRetiredVectors(sink, fingerprint, ['hash-1'])).size).toBe(0);
    expect(
      (await ledger.findRetiredVectors('pgvector://other', fingerprint, ['hash-1'])).size,
    ).toBe(1);
  });
});
