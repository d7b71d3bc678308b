import { describe, expect, it } from 'vitest';
import { createPgvectorSinkFromUri, parsePgvectorUri, toPgConnectionString } from './index.js';

describe('pgvector URIs', () => {
  it('parses pg://, postgres:// and pglite:// forms', () => {
    expect(parsePgvectorUri('pg://drift@db.example:5432/vectors?table=docs')).toEqual({
      engine: 'pg',
      connectionString: 'pg://drift@db.example:5432/vectors?table=docs',
      table: 'docs',
    });
    expect(
      parsePgvectorUri('postgres://u:secret@h/db?table=t&schema=s&content=false'),
    ).toMatchObject({ engine: 'pg', table: 't', schema: 's', storeContent: false });
    expect(parsePgvectorUri('pglite://memory?table=t')).toEqual({
      engine: 'pglite',
      dataDir: 'memory',
      table: 't',
    });
    expect(parsePgvectorUri('pglite:///var/drift/db?table=t')).toEqual({
      engine: 'pglite',
      dataDir: '/var/drift/db',
      table: 't',
    });
    expect(parsePgvectorUri('pglite://./.drift/pglite')).toEqual({
      engine: 'pglite',
      dataDir: './.drift/pglite',
      table: 'drift_embeddings',
    });
    expect(() => parsePgvectorUri('qdrant://h/c')).toThrow(/pgvector sink URI/);
    expect(() => parsePgvectorUri('pglite://?table=t')).toThrow(/names no PGlite directory/);
  });

  it('gives an id without the password, and hands pg a postgres:// string without Drift parameters', () => {
    const sink = createPgvectorSinkFromUri(
      'pg://drift:s3cret@db.example:5433/vectors?table=docs&sslmode=require',
    );
    expect(sink.id).toBe('pg://drift@db.example:5433/vectors?table=docs');
    expect(sink.id).not.toContain('s3cret');
    expect(
      toPgConnectionString('pg://drift:s3cret@db.example:5433/vectors?table=docs&sslmode=require'),
    ).toBe('postgres://drift:s3cret@db.example:5433/vectors?sslmode=require');
  });

  it('is lazy: creating a sink for an unreachable server neither connects nor throws', () => {
    const sink = createPgvectorSinkFromUri('pg://nobody@127.0.0.1:1/none?table=t');
    expect(sink.specificationVersion).toBe('v1');
    expect(sink.capabilities?.concurrentWrites).toBe(true);
  });
});

describe('the index parameter', () => {
  it('parses index=hnsw and index=none, and refuses anything else with what to use', () => {
    expect(parsePgvectorUri('pglite://memory?table=t&index=hnsw').index).toBe('auto');
    expect(parsePgvectorUri('pg://u@h:5432/db?table=t&index=none').index).toBe('never');
    expect(parsePgvectorUri('pglite://memory?table=t').index).toBeUndefined();
    expect(() => parsePgvectorUri('pglite://memory?table=t&index=ivf')).toThrow(
      /index=hnsw.*index=none/,
    );
  });
});
