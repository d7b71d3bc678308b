/**
 * One command, one table: every phase of Drift against its peer, measured interleaved in
 * the same run (Drift, peer, Drift, peer, … so a noisy machine weighs on both), each side a
 * process of its own with its own peak RSS, and the machine's load at start. Fails loudly
 * (exit 1, the phase named) when a Drift phase peaks over RSS_LIMIT_MB (default 400).
 *
 * Phases (peer in brackets):
 * - first embed into PostgreSQL, index built  [LangChain.js index() + createHnswIndex; and the
 *   ceiling: binary COPY of the same rows + the same index build, by hand]
 * - no-change re-run                          [LangChain.js index() re-run]
 * - 1% churn (drift watch)                    [LangChain.js index() of the churned version]
 * - sink write (pgvector sink upsert)         [raw binary COPY through pg]
 * - Delta snapshot scan, Delta CDF            [delta-rs through `deltalake`]
 *
 *   pnpm build && cd bench
 *   DRIFT_SERVICES=postgres bash ../scripts/with-services.sh node --import tsx src/all.ts
 *   EMBED_ROWS=2000 DELTA_ROWS=100000 REPEAT=2 …   (defaults; DELTA_ROWS=1000000 for the memory bound)
 *   DELTA_REPEAT=7: interleaved pairs of each Delta read (default: REPEAT, at least 7)
 *   SEED=0: without the seed (Python drift-spark), e.g. at EMBED_ROWS=20000
 *   MEMORY_ROWS=1000000: also the Spark read and each sink's write path (`memory-phases.ts`)
 *   DEFAULT_EMBED_ROWS=100000: also `drift embed` into the default sink (`default-embed-phase.ts`)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { defaultEmbedPhase } from './default-embed-phase.js';
import { drift } from './drift-process.js';
import { memoryPhases } from './memory-phases.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = join(root, 'bench/src');
const embedRows = Number(process.env.EMBED_ROWS ?? 2000);
const deltaRows = Number(process.env.DELTA_ROWS ?? 100_000);
const repeat = Number(process.env.REPEAT ?? 2);
// A Delta read takes a fraction of a second at 100k rows, and its ratio moves ±10% from
// one pair to the next (delta-rs's CPU alone 0.07–0.14 s): more pairs cost seconds.
const deltaRepeat = Number(process.env.DELTA_REPEAT ?? Math.max(repeat, 7));
const limitMb = Number(process.env.RSS_LIMIT_MB ?? 400);
// The Spark read and each sink's write at MEMORY_ROWS rows (0: left out; 1000000 for the bound).
const memoryRows = Number(process.env.MEMORY_ROWS ?? 0);
const memoryDimensions = Number(process.env.MEMORY_DIMENSIONS ?? 1536);
// A first `drift embed` into the default sink (LanceDB) at this many rows (0: left out).
const defaultEmbedRows = Number(process.env.DEFAULT_EMBED_ROWS ?? 0);
const databaseUrl = process.env.DATABASE_URL?.replace(/\?.*$/, '');
// SEED=0 leaves the seed out (its first embed takes minutes per 2,000 rows).
const withSeed = process.env.SEED !== '0';

/** One measured side of a phase: seconds and peak RSS (MB). */
interface Side {
  seconds: number;
  rssMb: number;
}
interface Row {
  phase: string;
  drift: Side[];
  peer: Side[];
  peerName: string;
  /** The true ceiling, where there is one. */
  ceiling?: Side[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

function python(): string {
  return execFileSync('bash', [join(root, 'scripts/python-env.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1)!;
}

/**
 * Runs a child that prints one JSON line last. `wall`: its time is the process's, start-up
 * included (as for the `drift` processes); otherwise the time it measured itself.
 */
function child(command: string, args: string[], wall = false): Side & Record<string, number> {
  const started = performance.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  return {
    ...parsed,
    ...(wall ? { innerSeconds: parsed.seconds ?? Number.NaN } : {}),
    seconds:
      wall || parsed.seconds === undefined ? (performance.now() - started) / 1000 : parsed.seconds,
    rssMb: parsed.rssMb ?? parsed.maxRssMb ?? Number.NaN,
  };
}

const tsx = (file: string, args: string[], wall = false) =>
  child(process.execPath, ['--import', 'tsx', join(here, file), ...args], wall);

function generate(py: string, dir: string, rows: number, versions: number): void {
  if (existsSync(join(dir, '_delta_log'))) return;
  mkdirSync(join(dir, '..'), { recursive: true });
  execFileSync(py, [join(here, 'delta-generate.py'), dir, String(rows), String(versions)], {
    stdio: 'inherit',
  });
}

async function deltaPhases(py: string): Promise<Row[]> {
  const versions = 20;
  const table = join(root, `.ci-cache/bench/delta-${deltaRows}-${versions}`);
  generate(py, table, deltaRows, versions);
  const rows: Row[] = [];
  for (const mode of ['scan', 'cdf'] as const) {
    const row: Row = {
      phase: mode === 'scan' ? `Delta scan (${deltaRows} rows)` : `Delta CDF (v1..v${versions})`,
      drift: [],
      peer: [],
      peerName: 'delta-rs',
    };
    for (let run = 0; run < deltaRepeat; run++) {
      row.drift.push(
        child(process.execPath, [join(here, 'delta-child.mjs'), mode, table, String(versions)]),
      );
      row.peer.push(child(py, [join(here, 'delta-peer.py'), table, mode, '1', String(versions)]));
    }
    rows.push(row);
  }
  return rows;
}

async function embedPhases(py: string, url: string): Promise<Row[]> {
  const table = join(root, `bench/out/all/table-${embedRows}`);
  generate(py, table, embedRows, 1);
  const work = join(root, `bench/out/all/run-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const first: Row = {
    phase: `first embed, index built (${embedRows} rows)`,
    drift: [],
    peer: [],
    peerName: 'LangChain.js',
    ceiling: [],
  };
  // The seed (Python drift-spark, PySpark local mode), the same rows to the same end state.
  const seedPython = withSeed
    ? execFileSync('bash', [join(here, 'seed-env.sh')], { encoding: 'utf8' }).trim()
    : '';
  const seed: Row = {
    phase: first.phase,
    drift: first.drift,
    peer: [],
    peerName: 'seed (PySpark)',
  };
  const again: Row = { phase: 'no-change re-run', drift: [], peer: [], peerName: 'LangChain.js' };
  const churn: Row = { phase: '1% churn (watch)', drift: [], peer: [], peerName: 'LangChain.js' };
  const write: Row = { phase: 'sink write (no index)', drift: [], peer: [], peerName: 'raw COPY' };
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (let run = 0; run < repeat; run++) {
      const name = `bench_all_${process.pid}_${run}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DRIFT_LEDGER: join(work, `ledger-${run}.db`),
        NO_COLOR: '1',
      };
      delete env.OPENAI_API_KEY;
      const common = ['--table', table, '--text-col', 'text', '--shadow-mode'];
      const sink = ['--sink', `${url}?table=${name}_drift`];
      // The three first embeds in a rotating order, each from a checkpointed server (no
      // WAL of the side before it to flush), so neither order nor leftovers favour a side.
      const firstSides = [
        async () =>
          first.drift.push(await drift(['embed', ...common, ...sink, '--version', '0'], env)),
        async () =>
          first.peer.push(
            tsx('langchain-child.ts', [table, '0', url, `${name}_lc`, 'index'], true),
          ),
        async () =>
          first.ceiling!.push(tsx('load-child.ts', ['raw', table, url, `${name}_raw`], true)),
      ];
      for (let side = 0; side < firstSides.length; side++) {
        await admin.query('checkpoint');
        await firstSides[(side + run) % firstSides.length]!();
      }
      const seedArgs = [table, url, `${name}_seed`, join(work, `seed-${run}.db`)];
      if (withSeed)
        seed.peer.push(child(seedPython, [join(here, 'seed-child.py'), ...seedArgs], true));
      again.drift.push(await drift(['embed', ...common, ...sink, '--version', '0'], env));
      again.peer.push(tsx('langchain-child.ts', [table, '0', url, `${name}_lc`, 'no-index'], true));
      churn.drift.push(await drift(['watch', ...common, ...sink, '--since-version', '1'], env));
      churn.peer.push(tsx('langchain-child.ts', [table, '1', url, `${name}_lc`, 'no-index'], true));
      const raw = first.ceiling!.at(-1)! as Side & Record<string, number>;
      write.drift.push(tsx('load-child.ts', ['sink', table, url, `${name}_sink`], true));
      // the raw COPY part of the ceiling run, start-up included as in the sink's run
      write.peer.push({
        seconds: raw.seconds - raw.innerSeconds! + raw.loadSeconds!,
        rssMb: raw.rssMb,
      });
      for (const suffix of ['drift', 'lc_vectors', 'lc_records', 'raw', 'sink', 'seed'])
        await admin.query(`drop table if exists ${name}_${suffix}`);
    }
  } finally {
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
  return withSeed ? [first, seed, again, churn, write] : [first, again, churn, write];
}

const commit = () =>
  execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();

/** The server's maintenance_work_mem, which decides how fast a peer's HNSW build can go. */
async function serverMemory(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ value: string }>(
      `select current_setting('maintenance_work_mem') as value`,
    );
    return result.rows[0]!.value;
  } finally {
    await client.end();
  }
}

function print(rows: Row[], load: number[], server: string): string[] {
  const over: string[] = [];
  const head = `| phase | Drift s | peer | peer s | peer/Drift | ceiling s | Drift/ceiling | Drift peak RSS MB | peer peak RSS MB |`;
  console.log(
    `\nDrift bench at commit ${commit()}, ${new Date().toISOString()}, load at start ${load.map((value) => value.toFixed(2)).join(' ')} (2 cores), medians of ${repeat} interleaved runs (${deltaRepeat} for the Delta reads)${server}\n`,
  );
  console.log(head);
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const ours = median(row.drift.map((side) => side.seconds));
    const peer = median(row.peer.map((side) => side.seconds));
    const peerRss = row.peer.length > 0 ? Math.max(...row.peer.map((side) => side.rssMb)) : NaN;
    const blank = (text: string) => (Number.isNaN(peer) ? '' : text);
    const rss = Math.max(...row.drift.map((side) => side.rssMb));
    const ceiling = row.ceiling ? median(row.ceiling.map((side) => side.seconds)) : undefined;
    if (rss > limitMb) over.push(`${row.phase}: ${rss.toFixed(0)} MB`);
    console.log(
      `| ${row.phase} | ${ours.toFixed(2)} | ${row.peerName} | ${blank(peer.toFixed(2))} | ${blank(`${(peer / ours).toFixed(2)}x`)} | ${ceiling?.toFixed(2) ?? ''} | ${ceiling ? `${((100 * ceiling) / ours).toFixed(0)}%` : ''} | ${rss.toFixed(0)}${rss > limitMb ? ' OVER' : ''} | ${blank(peerRss.toFixed(0))} |`,
    );
  }
  for (const row of rows) {
    const cpu = (sides: Side[]) =>
      median(
        sides.map((side) => (side as Side & { cpuSeconds?: number }).cpuSeconds ?? Number.NaN),
      );
    const ours = cpu(row.drift);
    if (!Number.isNaN(ours))
      console.log(
        `${row.phase}: CPU seconds Drift ${ours.toFixed(2)}, ${row.peerName} ${cpu(row.peer).toFixed(2)} (${(ours / cpu(row.peer)).toFixed(2)}x; steadier than wall time on a loaded machine)`,
      );
  }
  return over;
}

const load = loadavg();
const py = python();
const rows: Row[] = [];
if (databaseUrl && embedRows > 0) rows.push(...(await embedPhases(py, databaseUrl)));
else console.log('PostgreSQL phases skipped: no DATABASE_URL (run under scripts/with-services.sh)');
rows.push(...(await deltaPhases(py)));
if (memoryRows > 0) {
  const table = join(root, `.ci-cache/bench/delta-${memoryRows}-20`);
  generate(py, table, memoryRows, 20);
  const work = join(root, `bench/out/all/memory-${process.pid}`);
  for (const phase of memoryPhases({
    rows: memoryRows,
    dimensions: memoryDimensions,
    table,
    work,
    run: (args) => child(process.execPath, [join(here, 'memory-child.mjs'), ...args]),
  }))
    rows.push({ ...phase, peer: [], peerName: '' });
}
if (defaultEmbedRows > 0) {
  const table = join(root, `bench/out/all/table-${defaultEmbedRows}`);
  generate(py, table, defaultEmbedRows, 1);
  const work = join(root, `bench/out/all/default-${process.pid}`);
  const phase = await defaultEmbedPhase({ rows: defaultEmbedRows, table, work, repeat });
  rows.push({ ...phase, peer: [], peerName: '' });
}
const server =
  databaseUrl && embedRows > 0
    ? `, PostgreSQL maintenance_work_mem ${await serverMemory(databaseUrl)}`
    : '';
const over = print(rows, load, server);
console.log(
  `\npeer/Drift above 1 = Drift faster; Drift/ceiling = the share of the raw path's speed Drift reaches. Limit ${limitMb} MB peak RSS per Drift phase.`,
);
if (over.length > 0) {
  console.error(`\nOVER THE ${limitMb} MB PEAK RSS LIMIT: ${over.join('; ')}`);
  process.exitCode = 1;
}
