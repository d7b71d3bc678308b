import { DriftError } from '@drift-spark/core';
import { conformancePoint, testSink, unitVector } from '@drift-spark/core/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgvectorSink, createPgvectorSinkFromUri } from './index.js';
import { quoteIdentifier } from './pgvector-identifiers.js';

// A real PostgreSQL with pgvector: scripts/services/postgres.sh starts one and exports DATABASE_URL.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  throw new Error(
    'DATABASE_URL is not set: run `bash scripts/with-services.sh pnpm --filter @drift-spark/sink-pgvector test:int`, or point it at a PostgreSQL with pgvector.',
  );
}
const admin = new pg.Client({ connectionString: databaseUrl });
beforeAll(async () => {
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
});

testSink({
  title: 'pgvector sink on PostgreSQL: conformance',
  create: ({ name }) => createPgvectorSink({ connectionString: databaseUrl, table: name }),
  destroy: async ({ name }) => {
    await admin.query(`drop table if exists ${quoteIdentifier(name)}`);
  },
});

const dimensions = 8;
const openOptions = { dimensions, distance: 'cosine' as const, model: 'conformance/model' };

describe('pgvector sink on PostgreSQL', () => {
  it('writes a table an application searches with plain SQL, returning the keys', async () => {
    const uri = `${databaseUrl.replace(/^postgres(ql)?:\/\//, 'pg://')}${databaseUrl.includes('?') ? '&' : '?'}table=plain_sql_search`;
    const sink = createPgvectorSinkFromUri(uri);
    expect(sink.id).toMatch(/^pg:\/\/.*\?table=plain_sql_search$/);
    await sink.open(openOptions);
    const points = Array.from({ length: 50 }, (_, index) =>
      conformancePoint(`row-${index}`, unitVector(dimensions, index + 1)),
    );
    await sink.upsert(points);
    await sink.close();
    const query = `[${Array.from(unitVector(dimensions, 8)).join(',')}]`;
    const result = await admin.query<{ key: string }>(
      'select key from plain_sql_search order by embedding <=> $1 limit 3',
      [query],
    );
    expect(result.rows[0]).toEqual({ key: 'row-7' });
    const indexes = await admin.query<{ definition: string }>(
      `select indexdef as definition from pg_indexes where tablename = 'plain_sql_search'`,
    );
    expect(
      indexes.rows.some((row) =>
        /using hnsw \(embedding vector_cosine_ops\)/i.test(row.definition),
      ),
    ).toBe(true);
    await admin.query('drop table plain_sql_search');
  });

  it('quotes a hostile table name instead of running it', async () => {
    await admin.query('create table if not exists y (n int)');
    const sink = createPgvectorSink({ connectionString: databaseUrl, table: 'x; drop table y' });
    await sink.open(openOptions);
    await sink.upsert([conformancePoint('a', unitVector(dimensions, 1))]);
    await sink.close();
    const tables = await admin.query<{ name: string }>(
      `select relname::text as name from pg_class where relname in ('y', 'x; drop table y') order by 1`,
    );
    expect(tables.rows.map((row) => row.name)).toEqual(['x; drop table y', 'y']);
    await admin.query(`drop table "x; drop table y"; drop table y`);
  });

  it('takes concurrent upserts through its pool', async () => {
    const sink = createPgvectorSink({ connectionString: databaseUrl, table: 'concurrent_writes' });
    expect(sink.capabilities?.concurrentWrites).toBe(true);
    await sink.open(openOptions);
    const batches = Array.from({ length: 6 }, (_, batch) =>
      Array.from({ length: 40 }, (_, index) =>
        conformancePoint(`b${batch}-${index}`, unitVector(dimensions, batch * 100 + index + 1)),
      ),
    );
    await Promise.all(batches.map((batch) => sink.upsert(batch)));
    await Promise.all(batches.map((batch) => sink.upsert(batch.slice(0, 20))));
    expect(await sink.count()).toBe(240);
    await sink.close();
    await admin.query('drop table concurrent_writes');
  });

  it('reports a wrong password as a fatal error without the password', async () => {
    const url = new URL(databaseUrl);
    const sink = createPgvectorSink({
      connectionString: `postgres://no_such_user:hunter2@${url.host}${url.pathname}`,
      table: 't',
    });
    const error = await sink.open(openOptions).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(DriftError.isInstance(error)).toBe(true);
    expect((error as DriftError).code).toBe('fatal');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
