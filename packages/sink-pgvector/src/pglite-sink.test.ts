import { DriftError, pointId } from '@drift-spark/core';
import { conformancePoint, testSink, unitVector } from '@drift-spark/core/testkit';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteSink, createPgvectorSinkFromUri } from './index.js';
import { quoteIdentifier } from './pgvector-identifiers.js';

// One in-memory PGlite for this file: starting one costs seconds, and the conformance
// suite opens a second sink on the same table to check that it sees the first one's rows.
let shared: Promise<PGlite> | undefined;
const database = () => {
  shared ??= PGlite.create({ extensions: { vector } });
  return shared;
};
afterAll(async () => {
  if (shared) await (await shared).close();
});

testSink({
  title: 'pgvector sink on PGlite: conformance',
  create: async ({ name }) => createPgliteSink({ database: await database(), table: name }),
  destroy: async ({ name }) => {
    await (await database()).exec(`drop table if exists ${quoteIdentifier(name)}`);
  },
  timeoutMs: 120_000,
});

const model = 'test/model';
const dimensions = 8;
const openOptions = { dimensions, distance: 'cosine' as const, model };
const point = (key: string, seed: number, extra: Record<string, unknown> = {}) =>
  conformancePoint(key, unitVector(dimensions, seed), { model, ...extra });
const hasCode = (code: string) => (error: unknown) => DriftError.hasCode(error, code);

describe('pgvector sink on PGlite', () => {
  it('quotes a hostile table name instead of running it', async () => {
    const db = await database();
    await db.exec('create table if not exists y (n int)');
    const sink = createPgliteSink({ database: db, table: 'x; drop table y' });
    await sink.open(openOptions);
    await sink.upsert([point('a', 1)]);
    await sink.close();
    const tables = await db.query<{ name: string }>(
      `select relname::text as name from pg_class where relname in ('y', 'x; drop table y') order by 1`,
    );
    expect(tables.rows.map((row) => row.name)).toEqual(['x; drop table y', 'y']);
    const rows = await db.query<{ key: string }>(`select key from "x; drop table y"`);
    expect(rows.rows).toEqual([{ key: 'a' }]);
    await db.exec(`drop table "x; drop table y"; drop table y`);
  });

  it('quotes identifiers and refuses names PostgreSQL would truncate', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(() => createPgliteSink({ table: 'x'.repeat(64) })).toThrow(/63 bytes/);
    expect(() => createPgliteSink({ table: '' })).toThrow(/non-empty/);
  });

  it('creates the public table contract, searchable with plain SQL', async () => {
    const db = await database();
    const sink = createPgliteSink({ database: db, table: 'contract_check' });
    await sink.open(openOptions);
    const near = point('near', 1);
    await sink.upsert([near, point('far', 2), point('other', 3)]);
    await sink.close();
    const columns = await db.query<{ name: string; type: string; notnull: boolean }>(
      `select attname::text as name, format_type(atttypid, atttypmod) as type, attnotnull as notnull
         from pg_attribute where attrelid = 'contract_check'::regclass and attnum > 0 and not attisdropped order by attnum`,
    );
    expect(columns.rows).toEqual([
      { name: 'id', type: 'uuid', notnull: true },
      { name: 'key', type: 'text', notnull: true },
      { name: 'source', type: 'text', notnull: true },
      { name: 'content', type: 'text', notnull: false },
      { name: 'content_hash', type: 'text', notnull: true },
      { name: 'model', type: 'text', notnull: true },
      { name: 'embedding', type: 'vector(8)', notnull: true },
      { name: 'metadata', type: 'jsonb', notnull: false },
      { name: 'run_id', type: 'text', notnull: false },
      { name: 'updated_at', type: 'timestamp with time zone', notnull: true },
    ]);
    const query = `[${Array.from(near.vector).join(',')}]`;
    const hits = await db.query<{ key: string }>(
      `select key from contract_check order by embedding <=> $1 limit 2`,
      [query],
    );
    expect(hits.rows[0]).toEqual({ key: 'near' });
    const indexes = await db.query<{ definition: string }>(
      `select indexdef as definition from pg_indexes where tablename = 'contract_check'`,
    );
    expect(
      indexes.rows.some((row) =>
        /using hnsw \(embedding vector_cosine_ops\)/i.test(row.definition),
      ),
    ).toBe(true);
    await db.exec('drop table contract_check');
  });

  it('builds the HNSW index after a first load, and at open when the table has rows', async () => {
    const db = await database();
    const hnswCount = async () =>
      (
        await db.query<{ n: number }>(
          `select count(*)::int as n from pg_indexes where tablename = 'index_timing' and indexdef ilike '%hnsw%'`,
        )
      ).rows[0]?.n;
    const first = createPgliteSink({ database: db, table: 'index_timing' });
    await first.open(openOptions);
    await first.upsert([point('a', 1), point('b', 2)]);
    expect(await hnswCount()).toBe(0);
    await first.finalize();
    expect(await hnswCount()).toBe(1);
    await db.exec(
      `drop index ${(await db.query<{ name: string }>(`select indexname as name from pg_indexes where tablename = 'index_timing' and indexdef ilike '%hnsw%'`)).rows[0]?.name}`,
    );
    await first.close();
    const second = createPgliteSink({ database: db, table: 'index_timing' });
    await second.open(openOptions);
    expect(await hnswCount()).toBe(1);
    await second.close();
    await db.exec('drop table index_timing');
  });

  it('upserts batches that mix new and existing ids (the staged path after the direct COPY)', async () => {
    const db = await database();
    const sink = createPgliteSink({ database: db, table: 'mixed_upsert' });
    await sink.open(openOptions);
    await sink.upsert([point('a', 1), point('b', 2)]);
    await sink.upsert([point('b', 3, { content: 'b v2' }), point('c', 4)]);
    await sink.upsert([point('d', 5), point('d', 6, { content: 'd last' })]);
    await sink.upsert([point('e', 7)]);
    expect(await sink.count()).toBe(5);
    const read = await sink.retrieve([
      pointId('conformance-source', 'b'),
      pointId('conformance-source', 'd'),
    ]);
    expect(read.map((stored) => stored.payload.content).sort()).toEqual(['b v2', 'd last']);
    await sink.close();
    await db.exec('drop table mixed_upsert');
  });

  it("returns k hits above HNSW's default ef_search of 40 once the index exists", async () => {
    const db = await database();
    const sink = createPgliteSink({ database: db, table: 'large_k' });
    await sink.open(openOptions);
    await sink.upsert(Array.from({ length: 120 }, (_, index) => point(`row-${index}`, index + 1)));
    await sink.finalize();
    const hits = await sink.search(unitVector(dimensions, 5), { k: 100 });
    expect(hits).toHaveLength(100);
    expect(hits[0]?.payload.key).toBe('row-4');
    for (let index = 1; index < hits.length; index++)
      expect(hits[index - 1]!.score).toBeGreaterThanOrEqual(hits[index]!.score);
    await sink.close();
    await db.exec('drop table large_k');
  });

  it('leaves content NULL when storeContent is false', async () => {
    const db = await database();
    const sink = createPgliteSink({ database: db, table: 'no_content', storeContent: false });
    await sink.open(openOptions);
    await sink.upsert([point('a', 1)]);
    const [stored] = await sink.retrieve([pointId('conformance-source', 'a')]);
    expect(stored?.payload.content).toBeNull();
    await sink.close();
    await db.exec('drop table no_content');
  });

  it('refuses a table of another shape, bad vectors and use before open', async () => {
    const db = await database();
    await db.exec('create table not_drift (id uuid primary key, embedding vector(8))');
    const sink = createPgliteSink({ database: db, table: 'not_drift' });
    await expect(sink.open(openOptions)).rejects.toThrow(/not a Drift table/);
    await db.exec('drop table not_drift');

    const fresh = createPgliteSink({ database: db, table: 'bad_vectors' });
    await expect(fresh.count()).rejects.toSatisfy(hasCode('plugin-state'));
    await fresh.open(openOptions);
    const nan = point('nan', 1);
    nan.vector[2] = Number.NaN;
    await expect(fresh.upsert([nan])).rejects.toSatisfy(hasCode('invalid-input'));
    await expect(
      fresh.upsert([point('short', 1, {})].map((p) => ({ ...p, vector: p.vector.slice(0, 4) }))),
    ).rejects.toSatisfy(hasCode('invalid-input'));
    await expect(fresh.upsert([{ ...point('bad-id', 1), id: 'not-a-uuid' }])).rejects.toSatisfy(
      hasCode('invalid-input'),
    );
    expect(await fresh.count()).toBe(0);
    await fresh.close();
    await expect(fresh.count()).rejects.toSatisfy(hasCode('plugin-state'));
    await db.exec('drop table bad_vectors');
  });

  it('keeps its data in a PGlite directory across instances (pglite:// URI)', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const directory = await mkdtemp(join(tmpdir(), 'drift-pglite-'));
    try {
      const uri = `pglite://${directory}/db?table=docs`;
      const first = createPgvectorSinkFromUri(uri);
      expect(first.id).toBe(`pglite://${directory}/db?table=docs`);
      await first.open(openOptions);
      await first.upsert([point('a', 1), point('b', 2)]);
      await first.close();
      const second = createPgvectorSinkFromUri(uri);
      await expect(second.open({ ...openOptions, model: 'other/model' })).rejects.toSatisfy(
        hasCode('dimension-mismatch'),
      );
      await second.open(openOptions);
      expect(await second.count()).toBe(2);
      const [hit] = await second.search(unitVector(dimensions, 2), { k: 1 });
      expect(hit?.payload.key).toBe('b');
      await second.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
