/**
 * The raw paths beside `drift embed` for bench/src/all.ts, each in a process of its own
 * (peak RSS its own), on the same rows and the same shadow vectors:
 * - `raw`: the true ceiling of a first embed: read the rows, shadow-embed them, one binary
 *   COPY per 512 rows straight into a fresh table of Drift's shape with `pg`, then the
 *   same HNSW build as Drift's, by hand (same parallel workers, same memory);
 * - `sink`: the same load through the pgvector sink's `upsert` (index deferred, not built):
 *   the "sink write" phase, against the raw COPY part of `raw`.
 * Prints one JSON line: seconds, loadSeconds, indexSeconds, rows, rssMb.
 *
 *   node --import tsx src/load-child.ts raw|sink <delta-table> <database-url> <sink-table>
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createShadowEmbedder, type Point } from '@drift-spark/core';
import { createPgvectorSink } from '@drift-spark/sink-pgvector';
import { createDeltaSource } from '@drift-spark/source-delta';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
// The sink's own encoder, by path: it is not part of the package's public surface.
import { encodeBinaryCopy } from '../../packages/sink-pgvector/src/pgvector-binary-copy.js';

const [mode, deltaTable, databaseUrl, table] = process.argv.slice(2) as [
  'raw' | 'sink',
  string,
  string,
  string,
];
const dimensions = 1536;
const model = 'openai/text-embedding-3-small';
const columns = 'id, key, source, content, content_hash, model, embedding, metadata, run_id';

async function* points(): AsyncGenerator<Point[]> {
  const shadow = createShadowEmbedder({ model });
  const source = createDeltaSource({ path: deltaTable });
  for await (const batch of source.scan({ columns: ['id', 'text'], version: 0, batchSize: 512 })) {
    const texts = batch.rows.map((row) => String(row.text));
    const { vectors } = await shadow.embed(texts);
    yield batch.rows.map((row, index) => ({
      id: randomUUID(),
      vector: vectors[index] as Float32Array,
      payload: {
        key: String(row.id),
        source: 'delta:bench',
        content: texts[index]!,
        content_hash: createHash('sha256').update(texts[index]!).digest('hex'),
        model,
        run_id: 'bench',
        metadata: null,
      },
    }));
  }
}

const started = performance.now();
let rows = 0;
let loadSeconds = 0;
let indexSeconds = 0;
if (mode === 'raw') {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`create table ${table} (
    id uuid primary key, key text not null, source text not null, content text, content_hash text not null,
    model text not null, embedding vector(${dimensions}) not null, metadata jsonb, run_id text,
    updated_at timestamptz not null default now())`);
  for await (const batch of points()) {
    const data = encodeBinaryCopy(batch, { dimensions, storeContent: true });
    await pipeline(
      Readable.from([data]),
      client.query(copyStreams.from(`copy ${table} (${columns}) from stdin (format binary)`)),
    );
    rows += batch.length;
  }
  loadSeconds = (performance.now() - started) / 1000;
  // The build Drift runs, by hand: its memory (the graph: rows x (4 x dims + 1 KB) x 1.25) and workers.
  const memoryMb = Math.max(512, Math.ceil((rows * (dimensions * 4 + 1024) * 1.25) / 2 ** 20));
  const allowed = await client.query<{ workers: number }>(
    `select current_setting('max_parallel_maintenance_workers')::int as workers`,
  );
  const workers = Math.min(allowed.rows[0]!.workers, Math.floor(memoryMb / 32) - 1);
  await client.query('begin');
  await client.query(`set local maintenance_work_mem = '${memoryMb}MB'`);
  await client.query(`set local max_parallel_maintenance_workers = ${workers}`);
  await client.query('set local min_parallel_table_scan_size = 0');
  await client.query(`create index on ${table} using hnsw (embedding vector_cosine_ops)`);
  await client.query('commit');
  indexSeconds = (performance.now() - started) / 1000 - loadSeconds;
  await client.end();
} else {
  const sink = createPgvectorSink({ connectionString: databaseUrl, table, index: 'never' });
  await sink.open({ dimensions, distance: 'cosine', model });
  for await (const batch of points()) {
    for (let start = 0; start < batch.length; start += 1000)
      await sink.upsert(batch.slice(start, start + 1000));
    rows += batch.length;
  }
  await sink.close();
  loadSeconds = (performance.now() - started) / 1000;
}
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    loadSeconds,
    indexSeconds,
    rows,
    rssMb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
