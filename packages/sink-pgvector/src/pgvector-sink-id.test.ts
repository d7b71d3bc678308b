import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPgliteSink, createPgvectorSinkFromUri } from './index.js';

// The ledger keys dedup and checkpoints on the sink id: two URIs that name different storage
// must never share an id, or the second reports "unchanged" and stays empty.
describe('the sink id names the storage', () => {
  it('keeps the schema of a PostgreSQL table', () => {
    const ids = ['s1', 's2'].map(
      (schema) => createPgvectorSinkFromUri(`pg://u@h:5432/db?table=t&schema=${schema}`).id,
    );
    expect(ids).toEqual([
      'pg://u@h:5432/db?schema=s1&table=t',
      'pg://u@h:5432/db?schema=s2&table=t',
    ]);
    expect(createPgvectorSinkFromUri('pg://u@h:5432/db?table=t').id).toBe(
      'pg://u@h:5432/db?table=t',
    );
  });

  it('keeps every part of a PostgreSQL URI that selects a server, database or search_path', () => {
    const id = (uri: string) => createPgvectorSinkFromUri(uri).id;
    const distinct = new Set([
      id('pg://u@h:5432/db?table=t'),
      id('pg://u@h2:5432/db?table=t'),
      id('pg://u@h:5433/db?table=t'),
      id('pg://u@h:5432/db2?table=t'),
      id('pg://u@h:5432/db?table=t2'),
      id('pg://u@h:5432/db?table=t&options=-c%20search_path%3Ds1'),
      id('pg:///db?table=t&host=/var/run/postgresql'),
      id('pg:///db?table=t&host=/tmp'),
    ]);
    expect(distinct.size).toBe(8);
    // What does not select storage stays out: the password, TLS, content and index choices.
    expect(id('pg://u:secret@h:5432/db?table=t&sslmode=require&content=false&index=none')).toBe(
      'pg://u@h:5432/db?table=t',
    );
  });

  it('keeps the schema and the absolute folder of a PGlite sink', () => {
    const a = createPgvectorSinkFromUri('pglite://./data?table=t&schema=s1');
    const b = createPgvectorSinkFromUri('pglite://./data?table=t&schema=s2');
    expect(a.id).toBe(`pglite://${resolve('data')}?schema=s1&table=t`);
    expect(b.id).not.toBe(a.id);
    expect(createPgliteSink({ dataDir: 'data', table: 't' }).id).toBe(
      createPgliteSink({ dataDir: resolve('data'), table: 't' }).id,
    );
  });

  it('says an in-memory PGlite sink is not persistent, and a folder is', () => {
    expect(createPgvectorSinkFromUri('pglite://memory?table=t').persistent).toBe(false);
    expect(createPgvectorSinkFromUri('pglite:///tmp/x?table=t').persistent).not.toBe(false);
    expect(createPgvectorSinkFromUri('pg://u@h:5432/db?table=t').persistent).not.toBe(false);
  });
});
