/**
 * The embedded default, chosen by numbers: PGlite, LanceDB and (as the ceiling)
 * PostgreSQL on the same POINTS points (default 100k) of 1536 dimensions, each store in
 * its own process (so peak RSS is its own):
 * - write rate of the sink's `upsert` (batches of 1000, close included) and of the store's
 *   true ceiling (embedded-ceilings.ts), and the sink as a share of it;
 * - peak RSS of the load, on-disk size, time to first search (open + one query, new sink);
 * - search p50/p95 at k=10 exact (no index) and indexed, index build time, recall@10 of the
 *   indexed search against the exact one. PGlite builds no index (off by default: its HNSW
 *   build runs ~50 s per 10k rows inside WASM).
 *
 *   pnpm build && cd bench && POINTS=10000 node --import tsx src/embedded-sinks.ts
 *   DRIFT_SERVICES=postgres bash ../scripts/with-services.sh node --import tsx src/embedded-sinks.ts
 *   STORES=lancedb POINTS=20000 node --import tsx src/embedded-sinks.ts
 * CLI_TABLE=<a Delta table from delta-generate.py, e.g. out/cli/table-100000>: then, in the
 * same run, a `drift embed --shadow-mode` of it into each store (a process: rows/s, peak RSS).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sink } from '@drift-spark/core';
import { createLancedbSink } from '@drift-spark/sink-lancedb';
import { createPgliteSink, createPgvectorSink } from '@drift-spark/sink-pgvector';
import pg from 'pg';
import { drift } from './drift-process.js';
import { lancedbCeiling, pgliteCeiling, postgresCeiling } from './embedded-ceilings.js';
import { model, pointsAt, dimensions as size, vectorAt } from './embedded-data.js';

const total = Number(process.env.POINTS ?? 100_000);
const queries = Number(process.env.QUERIES ?? 20);
const url = process.env.DATABASE_URL;
const out = fileURLToPath(new URL(`../out/embedded-${total}/`, import.meta.url));
type Store = 'lancedb' | 'pglite' | 'postgres';

function makeSink(store: Store, folder: string, index: 'auto' | 'never'): Sink {
  if (store === 'lancedb') return createLancedbSink({ path: folder, table: 'bench', index });
  if (store === 'pglite') return createPgliteSink({ dataDir: folder, table: 'bench', index });
  return createPgvectorSink({ connectionString: url!, table: 'bench_sink', index });
}

function folderBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + folderBytes(join(path, name)), 0);
}

async function diskBytes(store: Store, folder: string): Promise<number> {
  if (store !== 'postgres') return folderBytes(folder);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ bytes: string }>(
    `select pg_total_relation_size('bench_sink') as bytes`,
  );
  await client.end();
  return Number(rows[0]?.bytes);
}

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))];
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const open = { dimensions: size, distance: 'cosine' as const, model };

async function searches(sink: Sink) {
  const times: number[] = [];
  const results: string[][] = [];
  for (let query = 0; query < queries; query++) {
    const vector = vectorAt(10_000_000 + query);
    const began = performance.now();
    const hits = await sink.search(vector, { k: 10 });
    times.push(performance.now() - began);
    results.push(hits.map((hit) => hit.id));
  }
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), results };
}

async function sinkChild(store: Store, folder: string) {
  if (store === 'postgres') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('drop table if exists bench_sink');
    await client.end();
  }
  const loader = makeSink(store, folder, 'never');
  await loader.open(open);
  let writeMs = 0;
  for (let start = 0; start < total; start += 1000) {
    const batch = pointsAt(start, Math.min(total, start + 1000));
    const began = performance.now();
    await loader.upsert(batch);
    writeMs += performance.now() - began;
  }
  const closing = performance.now();
  await loader.close();
  writeMs += performance.now() - closing;
  const loadRss = rssMb();
  const disk = await diskBytes(store, folder);
  // Each phase as it ends, on stderr: a slow machine may not reach the last one.
  const phase = (name: string, figures: Record<string, number>) =>
    console.error(`${store} ${name}: ${JSON.stringify(figures)}`);
  phase('load', { rate: Math.round((total * 1000) / writeMs), loadRss, diskMb: disk >> 20 });

  const firstStarted = performance.now();
  const reader = makeSink(store, folder, 'never');
  await reader.open(open);
  await reader.search(vectorAt(9_999_999), { k: 10 });
  const firstSearchMs = performance.now() - firstStarted;
  const exact = await searches(reader);
  await reader.close();
  phase('exact search', { firstSearchMs, p50: exact.p50!, p95: exact.p95! });

  let indexed: Record<string, number | string> = { index: 'none (off by default)' };
  if (store !== 'pglite') {
    const began = performance.now();
    const withIndex = makeSink(store, folder, 'auto');
    await withIndex.open(open);
    await withIndex.finalize?.();
    const buildMs = performance.now() - began;
    const found = await searches(withIndex);
    // Below the sink's threshold (LanceDB: 50k rows) nothing is built: say so, not "IVF-PQ".
    const built = withIndex.searchIndex ? (await withIndex.searchIndex()).index : 'HNSW';
    await withIndex.close();
    let hits = 0;
    found.results.forEach((ids, query) => {
      const truth = new Set(exact.results[query]);
      hits += ids.filter((id) => truth.has(id)).length;
    });
    indexed = {
      index: built ?? 'none (below the threshold)',
      buildS: Math.round(buildMs / 100) / 10,
      p50: Math.round(found.p50!),
      p95: Math.round(found.p95!),
      recall: Math.round((hits / (queries * 10)) * 1000) / 1000,
    };
  }
  return {
    rate: Math.round((total * 1000) / writeMs),
    loadRssMb: loadRss,
    peakRssMb: rssMb(),
    diskMb: Math.round(disk / 1048576),
    firstSearchMs: Math.round(firstSearchMs),
    exactP50: Math.round(exact.p50!),
    exactP95: Math.round(exact.p95!),
    ...indexed,
  };
}

async function child(store: Store, mode: string) {
  const folder = join(out, `${store}-${mode}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (mode === 'sink') return sinkChild(store, folder);
  const ms =
    store === 'lancedb'
      ? await lancedbCeiling(folder, total)
      : store === 'pglite'
        ? await pgliteCeiling(folder, total)
        : await postgresCeiling(url!, total);
  return { rate: Math.round((total * 1000) / ms), peakRssMb: rssMb() };
}

function runChild(store: Store, mode: string): Promise<Record<string, number | string>> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    const proc = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, BENCH_CHILD: `${store}:${mode}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    proc.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!))
        : reject(new Error(`${store} ${mode} exited ${code}`)),
    );
  });
}

const asChild = process.env.BENCH_CHILD;
if (asChild) {
  const [store, mode] = asChild.split(':') as [Store, string];
  console.log(JSON.stringify(await child(store, mode)));
} else {
  const stores = (process.env.STORES ?? 'lancedb pglite postgres')
    .split(/[ ,]+/)
    .filter((store) => store !== 'postgres' || url) as Store[];
  console.log(`embedded sinks: ${total} points × ${size}-d, k=10, ${queries} queries`);
  for (const store of stores) {
    const ceiling = await runChild(store, 'ceiling');
    const sink = await runChild(store, 'sink');
    const share = Math.round((Number(sink.rate) / Number(ceiling.rate)) * 1000) / 10;
    console.log(
      `${store.padEnd(9)} write ${sink.rate} pts/s (ceiling ${ceiling.rate} pts/s, sink ${share}% of it)` +
        ` | load RSS ${sink.loadRssMb} MiB, peak ${sink.peakRssMb} MiB | disk ${sink.diskMb} MiB` +
        ` | first search ${sink.firstSearchMs} ms | exact p50/p95 ${sink.exactP50}/${sink.exactP95} ms` +
        ` | ${sink.index}${sink.buildS === undefined ? '' : ` built in ${sink.buildS} s, p50/p95 ${sink.p50}/${sink.p95} ms, recall@10 ${sink.recall}`}`,
    );
  }
  const table = process.env.CLI_TABLE;
  for (const store of table ? stores : []) {
    const folder = join(out, `cli-${store}`);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const sink =
      store === 'postgres'
        ? `${url!.replace(/\?.*$/, '')}?table=bench_cli`
        : `${store}://${folder}/db?table=bench`;
    const env = { ...process.env, DRIFT_LEDGER: join(folder, 'ledger.db'), NO_COLOR: '1' };
    const args = ['embed', '--table', table!, '--text-col', 'text', '--shadow-mode'];
    const run = await drift([...args, '--version', '0', '--sink', sink], env);
    const rows = Number(run.result.rowsProcessed);
    console.log(
      `${store.padEnd(9)} drift embed of ${rows} rows: ${Math.round(rows / run.seconds)} rows/s, ${run.seconds.toFixed(0)} s, peak RSS ${Math.round(run.rssMb)} MiB` +
        (store === 'postgres' ? '' : `, disk ${folderBytes(join(folder, 'db')) >> 20} MiB`),
    );
  }
  if (!url)
    console.log('postgres: skipped (no DATABASE_URL; run through scripts/with-services.sh)');
}
