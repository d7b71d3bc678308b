/**
 * The pgvector sink's write speed against the raw speed of the same driver, in one run:
 * POINTS points (default 100k) of 1536 dimensions, in batches of 1000, to
 * - PGlite (in memory): the sink's `upsert` vs. a raw binary `COPY … FROM '/dev/blob'`
 *   of the same points into a table of the same shape (the fastest path PGlite has:
 *   its text paths parse vectors at ~2 ms a row inside WASM);
 * - PostgreSQL (DATABASE_URL, skipped without it): the sink's `upsert` vs. a raw
 *   `COPY … FROM STDIN (FORMAT binary)` through `pg` + pg-copy-streams.
 * Both sides encode the same points client-side (the raw side with the sink's own encoder:
 * a binary COPY needs one anyway). Raw and sink run in alternating slices of 10k points so
 * a noisy machine weighs on both alike. Neither builds the HNSW index during the load (the
 * sink defers it to after a first load; the index build is not part of this figure).
 * Also printed: the sink's update path (every id already present: staged COPY + upsert),
 * which has no raw equivalent, on UPDATE_POINTS points (default 10k).
 *
 *   pnpm --filter @drift-spark/sink-pgvector build
 *   cd bench && DRIFT_SERVICES=postgres bash ../scripts/with-services.sh node --import tsx src/sinks.ts
 *   cd bench && POINTS=20000 PGLITE_POINTS=20000 node --import tsx src/sinks.ts
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Point, Sink } from '@drift-spark/core';
import { createPgliteSink, createPgvectorSink } from '@drift-spark/sink-pgvector';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
// The sink's own encoder, by path: it is not part of the package's public surface.
import { encodeBinaryCopy } from '../../packages/sink-pgvector/src/pgvector-binary-copy.js';

const dimensions = 1536;
const batchSize = 1000;
const slice = 10_000;
const points = Number(process.env.POINTS ?? 100_000);
const pglitePoints = Number(process.env.PGLITE_POINTS ?? points);
const updatePoints = Number(process.env.UPDATE_POINTS ?? 10_000);
const model = 'openai/text-embedding-3-small';
const columns = 'id, key, source, content, content_hash, model, embedding, metadata, run_id';
const ddl = (table: string) => `create table ${table} (
  id uuid primary key, key text not null, source text not null, content text, content_hash text not null,
  model text not null, embedding vector(${dimensions}) not null, metadata jsonb, run_id text,
  updated_at timestamptz not null default now())`;

// A pool of distinct unit vectors, reused under fresh ids: generation stays out of the timings.
const vectors = Array.from({ length: 512 }, (_, seed) => {
  const values = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    values[index] = Math.sin(seed * 31 + index * 0.7);
    norm += (values[index] as number) ** 2;
  }
  for (let index = 0; index < dimensions; index++)
    values[index] = (values[index] as number) / Math.sqrt(norm);
  return values;
});
const content =
  'A support ticket about a delayed refund, about two hundred characters long, the size of a typical chunk of text that a RAG pipeline embeds and stores beside its vector for retrieval.';

function batch(ids: string[], offset: number): Point[] {
  return ids.map((id, index) => ({
    id,
    vector: vectors[(offset + index) % vectors.length] as Float32Array,
    payload: {
      key: String(offset + index),
      source: 'delta:bench',
      content,
      content_hash: 'f'.repeat(64),
      model,
      run_id: 'bench-run',
      metadata: { row: offset + index },
    },
  }));
}
const idsFor = (count: number) => Array.from({ length: count }, () => randomUUID());

interface Target {
  name: string;
  raw: (points: Point[]) => Promise<void>;
  sink: Sink;
  close: () => Promise<void>;
}

async function measure(target: Target, total: number): Promise<void> {
  const ids = idsFor(total);
  let rawMs = 0;
  let sinkMs = 0;
  // Separate id sets for raw and sink: both insert `total` new points into their own table.
  const rawIds = idsFor(total);
  const runRaw = async (start: number, end: number) => {
    const began = performance.now();
    for (let at = start; at < end; at += batchSize)
      await target.raw(batch(rawIds.slice(at, Math.min(end, at + batchSize)), at));
    rawMs += performance.now() - began;
  };
  const runSink = async (start: number, end: number) => {
    const began = performance.now();
    for (let at = start; at < end; at += batchSize)
      await target.sink.upsert(batch(ids.slice(at, Math.min(end, at + batchSize)), at));
    sinkMs += performance.now() - began;
  };
  for (let start = 0, round = 0; start < total; start += slice, round++) {
    const end = Math.min(total, start + slice);
    // Alternate which goes first, so neither always meets the larger table or the warmer cache.
    if (round % 2 === 0) {
      await runRaw(start, end);
      await runSink(start, end);
    } else {
      await runSink(start, end);
      await runRaw(start, end);
    }
  }
  const count = await target.sink.count();
  if (count !== total)
    throw new Error(`${target.name}: the sink holds ${count} points, expected ${total}`);
  const updates = Math.min(updatePoints, total);
  const began = performance.now();
  for (let at = 0; at < updates; at += batchSize)
    await target.sink.upsert(batch(ids.slice(at, Math.min(updates, at + batchSize)), at + 1));
  const updateMs = performance.now() - began;
  const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);
  console.log(
    `${target.name.padEnd(10)} ${String(total).padStart(7)} points  raw COPY ${String(rate(total, rawMs)).padStart(6)} pts/s  sink upsert ${String(rate(total, sinkMs)).padStart(6)} pts/s  ratio ${((rawMs / sinkMs) * 100).toFixed(1)}%  | sink update path ${rate(updates, updateMs)} pts/s (${updates})`,
  );
}

async function pgliteTarget(): Promise<Target> {
  // One PGlite instance holds both tables, so both meet the same WASM heap.
  const raw = await PGlite.create({ extensions: { vector } });
  await raw.exec('create extension if not exists vector');
  await raw.exec(ddl('raw_points'));
  const sink = createPgliteSink({ database: raw, table: 'sink_points', index: 'never' });
  await sink.open({ dimensions, distance: 'cosine', model });
  return {
    name: 'PGlite',
    sink,
    raw: async (batchPoints) => {
      const data = encodeBinaryCopy(batchPoints, { dimensions, storeContent: true });
      await raw.query(`copy raw_points (${columns}) from '/dev/blob' with (format binary)`, [], {
        blob: new Blob([data]),
      });
    },
    close: async () => {
      await sink.close();
      await raw.close();
    },
  };
}

async function postgresTarget(url: string): Promise<Target> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('create extension if not exists vector');
  await client.query(
    'drop table if exists bench_raw_points; drop table if exists bench_sink_points',
  );
  await client.query(ddl('bench_raw_points'));
  const sink = createPgvectorSink({
    connectionString: url,
    table: 'bench_sink_points',
    index: 'never',
  });
  await sink.open({ dimensions, distance: 'cosine', model });
  return {
    name: 'PostgreSQL',
    sink,
    raw: async (batchPoints) => {
      const data = encodeBinaryCopy(batchPoints, { dimensions, storeContent: true });
      const stream = client.query(
        copyStreams.from(`copy bench_raw_points (${columns}) from stdin (format binary)`),
      );
      await pipeline(Readable.from([data]), stream);
    },
    close: async () => {
      await sink.close();
      await client.query(
        'drop table if exists bench_raw_points; drop table if exists bench_sink_points',
      );
      await client.end();
    },
  };
}

console.log(`pgvector sink vs raw binary COPY, ${dimensions}-d, batches of ${batchSize}`);
const pglite = await pgliteTarget();
await measure(pglite, pglitePoints);
await pglite.close();
const url = process.env.DATABASE_URL;
if (url) {
  const postgres = await postgresTarget(url);
  await measure(postgres, points);
  await postgres.close();
} else {
  console.log(
    'PostgreSQL: skipped (DATABASE_URL is not set; run through scripts/with-services.sh)',
  );
}
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
