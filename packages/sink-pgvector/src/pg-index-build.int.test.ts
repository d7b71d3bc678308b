import type { SinkBuildProgress } from '@drift-spark/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDriver } from './pg-driver.js';
import { buildHnswIndex, buildMemoryBytes } from './pgvector-index-build.js';

// A real PostgreSQL with pgvector: scripts/services/postgres.sh starts one and exports DATABASE_URL.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  throw new Error(
    'DATABASE_URL is not set: run `bash scripts/with-services.sh pnpm --filter @drift-spark/sink-pgvector test:int`.',
  );
}
const admin = new pg.Client({ connectionString: databaseUrl });
const dimensions = 64;
const rows = 4000;

beforeAll(async () => {
  await admin.connect();
  await admin.query('create extension if not exists vector');
  await admin.query('drop table if exists index_build_progress');
  await admin.query(
    `create table index_build_progress (id int primary key, embedding vector(${dimensions}) not null)`,
  );
  await admin.query(
    `insert into index_build_progress
       select i, (select array_agg(random()::real) from generate_series(1, ${dimensions}) where i > 0)::vector
       from generate_series(1, ${rows}) i`,
  );
});
afterAll(async () => {
  await admin.query('drop table if exists index_build_progress');
  await admin.end();
});

describe('HNSW index build on PostgreSQL', () => {
  it('builds the index, telling where it is while it runs, with settings local to the build', async () => {
    const driver = await createPgDriver({ connectionString: databaseUrl });
    const progress: SinkBuildProgress[] = [];
    try {
      await buildHnswIndex(driver, {
        table: 'index_build_progress',
        indexName: 'index_build_progress_hnsw',
        dimensions,
        onProgress: (step) => progress.push(step),
        progressEveryMs: 20,
      });
      // the build's settings were local to its transaction
      const [after] = await driver.query<{ scan: string }>(
        `select current_setting('min_parallel_table_scan_size') as scan`,
      );
      expect(after?.scan).not.toBe('0');
    } finally {
      await driver.close();
    }
    const index = await admin.query(
      `select indexdef from pg_indexes where indexname = 'index_build_progress_hnsw'`,
    );
    expect(index.rows[0]?.indexdef).toContain('USING hnsw (embedding vector_cosine_ops)');
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1)!;
    expect(last.phase).toMatch(/building index|initializing|loading/);
    expect(last.total).toBeGreaterThan(0);
    expect(last.done).toBeGreaterThan(0);
    expect(last.done).toBeLessThanOrEqual(last.total);
  });

  it('sizes maintenance_work_mem to the graph, never below the server setting, at most 4 GB', () => {
    const mb = 1024 * 1024;
    expect(buildMemoryBytes(100_000, 1536, 64 * mb) / mb).toBeCloseTo(854.5, 0);
    expect(buildMemoryBytes(100, 8, 512 * mb)).toBe(512 * mb);
    expect(buildMemoryBytes(10_000_000, 1536, 64 * mb)).toBe(4096 * mb);
  });
});
