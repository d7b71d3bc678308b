/**
 * Delta reader benchmark: the native reader (@drift-spark/source-delta) against delta-rs
 * (the Python `deltalake` package) on the same table, written by delta-rs.
 *
 * The table: ROWS rows of ~1 KB text with the Change Data Feed on, then VERSIONS versions of
 * 1% churn each (UPDATE, DELETE, APPEND in turn). Two reads, each in a fresh process so that
 * peak RSS is its own (ours: src/delta-child.mjs, plain Node): a full snapshot scan, and
 * the CDF of versions 1..VERSIONS.
 *
 *   node --import tsx bench/src/delta.ts [--rows 1000000] [--versions 20] [--dir path]
 *
 * The table is generated once and cached (default `.ci-cache/bench/delta-<rows>-<versions>`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Measure {
  rows: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds (user + system, all threads): steadier than wall time on a busy machine. */
  cpuSeconds: number;
  maxRssMb: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

function run(command: string, args: string[]): Measure {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed with ${result.status}`);
  const line = result.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as Measure;
}

function python(): string {
  const result = spawnSync('bash', [path.join(repoRoot, 'scripts/python-env.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error('scripts/python-env.sh failed');
  return result.stdout.trim().split('\n').at(-1)!;
}

async function main(): Promise<void> {
  const rows = Number(option('rows', '1000000'));
  const versions = Number(option('versions', '20'));
  const table = path.resolve(
    option('dir', path.join(repoRoot, `.ci-cache/bench/delta-${rows}-${versions}`)),
  );
  const py = python();
  if (!existsSync(path.join(table, '_delta_log'))) {
    mkdirSync(path.dirname(table), { recursive: true });
    console.log(
      `generating ${rows} rows + ${versions} versions of 1% churn with delta-rs into ${table} ...`,
    );
  }
  const generated = spawnSync(
    py,
    [path.join(here, 'delta-generate.py'), table, String(rows), String(versions)],
    { stdio: 'inherit' },
  );
  if (generated.status !== 0) throw new Error('table generation failed');

  const reads: { name: string; ours: Measure; peer: Measure }[] = [];
  for (const mode of ['scan', 'cdf']) {
    const ours = run(process.execPath, [
      path.join(here, 'delta-child.mjs'),
      mode,
      table,
      String(versions),
    ]);
    const peer = run(py, [path.join(here, 'delta-peer.py'), table, mode, '1', String(versions)]);
    if (ours.rows !== peer.rows)
      throw new Error(
        `${mode}: the native reader returned ${ours.rows} rows, delta-rs ${peer.rows}`,
      );
    reads.push({
      name: mode === 'scan' ? `snapshot scan (v${versions})` : `CDF v1..v${versions}`,
      ours,
      peer,
    });
  }
  console.log(`\nDelta read benchmark, ${rows} rows, ${versions} versions of 1% churn (${table})`);
  const rate = (count: number, seconds: number) =>
    Math.round(count / seconds)
      .toLocaleString('en-US')
      .padStart(10);
  for (const { name, ours, peer } of reads) {
    console.log(`${name} (${ours.rows} rows)`);
    console.log(
      `  native   ${rate(ours.rows, ours.seconds)} rows/s wall, ${rate(ours.rows, ours.cpuSeconds)} rows/CPU-s, peak RSS ${ours.maxRssMb.toFixed(0)} MB`,
    );
    console.log(
      `  delta-rs ${rate(peer.rows, peer.seconds)} rows/s wall, ${rate(peer.rows, peer.cpuSeconds)} rows/CPU-s, peak RSS ${peer.maxRssMb.toFixed(0)} MB`,
    );
    console.log(
      `  ratio native/delta-rs: ${(ours.seconds / peer.seconds).toFixed(2)}x wall time, ${(ours.cpuSeconds / peer.cpuSeconds).toFixed(2)}x CPU time (1.00 = as fast; below 1 = faster)`,
    );
  }
}

await main();
