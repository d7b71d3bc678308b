/**
 * LanceDB index configurations at one size, each build in a process of its own (peak RSS
 * is the build's): build seconds, CPU seconds, peak RSS, search p50/p95 and recall@10
 * against the exact search, on the embedded-sinks bench points (embedded-data.ts).
 *
 *   cd bench && POINTS=100000 node --import tsx src/embedded-lancedb-index.ts
 *   CONFIGS='ivfPq:{"numPartitions":64}' …   (type:options, separated by spaces)
 *   INDEX_MIB=16 …   (the session's index cache; the sink's default 128)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLancedbSink } from '@drift-spark/sink-lancedb';
import type * as Lance from '@lancedb/lancedb';
import { model, pointsAt, dimensions as size, vectorAt } from './embedded-data.js';

const total = Number(process.env.POINTS ?? 100_000);
const queries = Number(process.env.QUERIES ?? 20);
const base = fileURLToPath(new URL(`../out/lancedb-index-${total}/base`, import.meta.url));
const work = `${base}-work`;
const configs = (
  process.env.CONFIGS ??
  'ivfPq:{"numPartitions":64,"numSubVectors":96,"sampleRate":64,"maxIterations":20} ivfRq:{"numPartitions":64,"sampleRate":64,"maxIterations":20} ivfFlat:{"numPartitions":64,"sampleRate":64,"maxIterations":20} hnswSq:{"numPartitions":16,"sampleRate":64,"maxIterations":20}'
).split(/\s+/);

let lancedb: typeof Lance;

/** The bench points, written through the sink (no index), as `drift embed` leaves them. */
async function load() {
  const sink = createLancedbSink({ path: base, table: 'bench', index: 'never' });
  await sink.open({ dimensions: size, distance: 'cosine', model });
  for (let start = 0; start < total; start += 1000)
    await sink.upsert(pointsAt(start, Math.min(total, start + 1000)));
  await sink.close();
}

async function searchAll(table: Lance.Table, indexed: boolean) {
  const times: number[] = [];
  const ids: string[][] = [];
  for (let query = 0; query < queries; query++) {
    let search = table
      .vectorSearch(vectorAt(10_000_000 + query))
      .distanceType('cosine')
      .select(['id'])
      .limit(10);
    search = indexed
      ? search
          .nprobes(Number(process.env.NPROBES ?? 20))
          .refineFactor(Number(process.env.REFINE ?? 10))
      : search.bypassVectorIndex();
    const began = performance.now();
    const rows = await search.toArray();
    times.push(performance.now() - began);
    ids.push(rows.map((row) => String(row.id)));
  }
  times.sort((a, b) => a - b);
  return {
    p50: Math.round(times[Math.floor(queries / 2)]!),
    p95: Math.round(times[Math.floor(queries * 0.95)]!),
    ids,
  };
}

async function build(kind: string, options: string) {
  // The sink's cache bounds (lancedb-table.ts), passed in the options as 0.37.1 needs them.
  const indexMib = Number(process.env.INDEX_MIB ?? 128);
  const session = new lancedb.Session(BigInt(indexMib * 2 ** 20), BigInt(32 * 2 ** 20));
  const db = await lancedb.connect(work, { session });
  const table = await db.openTable('bench');
  const config = (lancedb.Index as unknown as Record<string, (o: unknown) => Lance.Index>)[kind]!({
    distanceType: 'cosine',
    ...JSON.parse(options),
  });
  const cpu0 = process.cpuUsage();
  const began = performance.now();
  await table.createIndex('vector', { config, replace: true });
  const buildS = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const buildRss = process.resourceUsage().maxRSS >> 10;
  const found = await searchAll(table, true);
  const exact = await searchAll(table, false);
  let hits = 0;
  found.ids.forEach((ids, query) => {
    const truth = new Set(exact.ids[query]);
    hits += ids.filter((id) => truth.has(id)).length;
  });
  console.log(
    JSON.stringify({
      kind,
      options,
      buildS: Math.round(buildS),
      cpuS: Math.round((cpu.user + cpu.system) / 1e6),
      buildRss,
      exact: [exact.p50, exact.p95],
      indexed: [found.p50, found.p95],
      recall: hits / (queries * 10),
    }),
  );
}

// As the sink does: Lance's I/O threads bounded before the first read.
process.env.LANCE_IO_THREADS ??= '2';
lancedb = await import('@lancedb/lancedb');
const [mode, kind, options] = process.argv.slice(2);
if (mode === 'build') await build(kind!, options!);
else {
  if (!existsSync(base)) await load();
  for (const config of configs) {
    const at = config.indexOf(':');
    rmSync(work, { recursive: true, force: true });
    cpSync(base, work, { recursive: true });
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        'build',
        config.slice(0, at),
        config.slice(at + 1),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
        timeout: Number(process.env.TIMEOUT_S ?? 900) * 1000,
      },
    );
    console.log(run.stdout.trim() || `${config}: ${run.signal ?? `exit ${run.status}`}`);
  }
}
