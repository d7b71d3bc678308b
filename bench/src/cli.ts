/**
 * The `drift` command line end to end, on a generated Delta table (ROWS rows of ~1 KB text,
 * default 100k; version 1 updates 1% of them), shadow vectors, each phase a real `drift`
 * child process (start-up included), its peak RSS read from inside it:
 *
 * - full embed into PGlite, LanceDB (and PostgreSQL when DATABASE_URL is set): rows/s, peak RSS;
 * - the same embed again (no change): time, provider calls (must be 0);
 * - `watch` of the 1% churn against a full re-embed (`embed --no-dedup`) of the same table:
 *   the ratio of times, and provider calls (watch: exactly the changed rows).
 *
 *   pnpm build && cd bench && node --import tsx src/cli.ts
 *   ROWS=20000 node --import tsx src/cli.ts        (SKIP_PGLITE=1 / SKIP_LANCEDB=1: leave that sink out)
 *   ONLY_FULL=1: only the full embed per sink; SKIP_PEER=1: no LangChain peer
 *   DRIFT_SERVICES=postgres bash ../scripts/with-services.sh node --import tsx src/cli.ts
 *
 * With DATABASE_URL, the peer: LangChain.js `index()` on the same rows into the same
 * PostgreSQL (bench/src/cli-langchain.ts), first run and re-run, as ratios.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLangChainPeer } from './cli-langchain.js';
import { drift, driftEnv, type Phase } from './drift-process.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const rows = Number(process.env.ROWS ?? 100_000);
const out = join(root, 'bench/out/cli');
const table = join(out, `table-${rows}`);
function line(name: string, phase: Phase, extra = ''): void {
  const result = phase.result;
  const processed = Number(result.rowsProcessed);
  console.log(
    `${name.padEnd(34)} ${phase.seconds.toFixed(1).padStart(7)} s  ${Math.round(
      processed / phase.seconds,
    )
      .toLocaleString('en-US')
      .padStart(
        8,
      )} rows/s  embedded ${String(result.rowsEmbedded).padStart(7)}  peak RSS ${phase.rssMb.toFixed(0).padStart(5)} MB${extra}`,
  );
}

async function runSuite(
  label: string,
  sink: string,
  env: NodeJS.ProcessEnv,
): Promise<{ full: Phase; again: Phase }> {
  const common = ['--table', table, '--text-col', 'text', '--shadow-mode', '--sink', sink];
  console.log(`\n${label}: ${sink}`);
  const full = await drift(['embed', ...common, '--version', '0'], env);
  line('full embed (version 0)', full);
  if (process.env.ONLY_FULL) return { full, again: full };
  const again = await drift(['embed', ...common, '--version', '0'], env);
  line(
    'no-change re-run',
    again,
    `  (${(full.seconds / again.seconds).toFixed(1)}x faster than the first run)`,
  );
  if (Number(again.result.rowsEmbedded) !== 0)
    throw new Error('the no-change re-run called the provider');
  const watch = await drift(['watch', ...common, '--since-version', '1'], env);
  line('watch of the 1% churn (version 1)', watch);
  const reembed = await drift(['embed', ...common, '--no-dedup'], env);
  line('full re-embed (--no-dedup)', reembed);
  console.log(
    `watch vs full re-embed: ${(reembed.seconds / watch.seconds).toFixed(1)}x faster; provider calls ${watch.result.rowsEmbedded} vs ${reembed.result.rowsEmbedded} (churn: ${Math.max(1, Math.floor(rows / 100))} rows)`,
  );
  return { full, again };
}

async function main(): Promise<void> {
  if (!existsSync(bin)) throw new Error('build first: pnpm build');
  mkdirSync(out, { recursive: true });
  if (!existsSync(join(table, '_delta_log'))) {
    const python = execFileSync('bash', [join(root, 'scripts/python-env.sh')], {
      encoding: 'utf8',
    }).trim();
    execFileSync(python, [join(root, 'bench/src/delta-generate.py'), table, String(rows), '1'], {
      stdio: 'inherit',
    });
  }
  const work = join(out, `run-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const env = driftEnv(work);
  console.log(
    `drift CLI bench: ${rows.toLocaleString('en-US')} rows of ~1 KB text, shadow vectors (1536 dims), each phase a drift process`,
  );
  try {
    if (!process.env.SKIP_PGLITE)
      await runSuite('PGlite (embedded)', `pglite://${join(work, 'pglite')}?table=bench`, env);
    if (!process.env.SKIP_LANCEDB)
      await runSuite('LanceDB (embedded)', `lancedb://${join(work, 'lancedb')}?table=bench`, env);
    if (process.env.DATABASE_URL) {
      const databaseUrl = process.env.DATABASE_URL.replace(/\?.*$/, '');
      const drift = await runSuite(
        'PostgreSQL',
        `${databaseUrl}?table=drift_cli_bench_${process.pid}`,
        env,
      );
      if (process.env.SKIP_PEER) return;
      const rssBefore = process.resourceUsage().maxRSS / 1024;
      const peer = await runLangChainPeer(table, databaseUrl, `langchain_bench_${process.pid}`);
      const rssAfter = process.resourceUsage().maxRSS / 1024;
      console.log(
        '\nLangChain.js index() (PostgresRecordManager + PGVectorStore, same rows, same shadow vectors), in this process:',
      );
      console.log(
        `first run  ${peer.first.seconds.toFixed(1).padStart(7)} s  added ${peer.first.added}   LangChain/Drift time ratio ${(peer.first.seconds / drift.full.seconds).toFixed(2)}`,
      );
      console.log(
        `re-run     ${peer.again.seconds.toFixed(1).padStart(7)} s  skipped ${peer.again.skipped}   LangChain/Drift time ratio ${(peer.again.seconds / drift.again.seconds).toFixed(2)}`,
      );
      console.log(
        '(Both first runs include building the same HNSW index; Drift times include its process start-up, ~0.5 s.)',
      );
      console.log(
        `peak RSS of this process: ${rssBefore.toFixed(0)} MB before the peer, ${rssAfter.toFixed(0)} MB after (index() holds every document in memory)`,
      );
    } else {
      console.log('\nPostgreSQL: skipped (no DATABASE_URL; run under scripts/with-services.sh)');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
