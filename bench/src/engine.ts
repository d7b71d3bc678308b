/**
 * The engine's throughput and memory, per issue 2:
 * - first run: FIRST_ROWS (default 200k) synthetic rows of ~1 KB text through `embed`, with
 *   the shadow embedder (openai/text-embedding-3-small, 1536 dims), a sink that discards, and
 *   the SQLite ledger in a temporary file;
 * - no-change re-run: RERUN_ROWS (default 1M) rows, the first FIRST_ROWS as embedded by the
 *   first run and the rest committed straight into the ledger (same point ids, hashes and
 *   fingerprint the engine would write, so the re-run finds every row unchanged);
 * - the ceiling: `crypto.hash('sha256')` over the same texts, in the same process.
 * Prints rows/s, the ratio to the ceiling, and peak RSS sampled during each phase.
 *
 *   pnpm --filter @drift-spark/core build && pnpm --filter @drift-spark/ledger build
 *   pnpm --filter @drift-spark/bench exec tsx src/engine.ts
 *   FIRST_ROWS=20000 RERUN_ROWS=100000 BATCH=1000 pnpm --filter @drift-spark/bench exec tsx src/engine.ts
 */
import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contentHash,
  createMemoryLedger,
  createShadowEmbedder,
  type DriftEvent,
  embed,
  type LedgerBatch,
  pointId,
  type RowBatch,
  type SourceV1,
} from '@drift-spark/core';
import { createDiscardingSink } from '@drift-spark/core/internal';
import { createSqliteLedger } from '@drift-spark/ledger';
import { wordStream } from './word-stream.js';

const firstRows = Number(process.env.FIRST_ROWS ?? 200_000);
const rerunRows = Number(process.env.RERUN_ROWS ?? 1_000_000);
const batchSize = Number(process.env.BATCH ?? 1000);
const sourceId = 'bench://synthetic';
const model = 'openai/text-embedding-3-small';

// ~1 KB texts: a row prefix and a 1000-character window into a fixed pseudo-random word stream.
const corpus = wordStream(42, 40_000);
const textOf = (id: number) =>
  `row ${id}: ${corpus.slice((id * 7919) % (corpus.length - 1000), ((id * 7919) % (corpus.length - 1000)) + 1000)}`;

function syntheticSource(rows: number): SourceV1 {
  const columns = [
    { name: 'id', type: 'long', nullable: false },
    { name: 'text', type: 'string', nullable: true },
  ];
  return {
    specificationVersion: 'v1',
    id: sourceId,
    async describe() {
      return { id: sourceId, columns, latestVersion: 1, changeFeed: false };
    },
    async *scan(options): AsyncIterable<RowBatch> {
      const size = options.batchSize ?? 1000;
      for (let start = 0; start < rows; start += size) {
        const end = Math.min(rows, start + size);
        const batch = new Array(end - start);
        for (let id = start; id < end; id++) batch[id - start] = { id, text: textOf(id) };
        yield { rows: batch, version: 1 };
      }
    },
  };
}

/** Peak RSS while `work` runs: sampled at each batch end and every 20 ms. */
async function measured<T>(
  work: (sample: () => void) => Promise<T>,
): Promise<{ value: T; seconds: number; peakRssMiB: number; peakHeapMiB: number }> {
  let peak = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  let samples = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
    if (++samples % 16 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = performance.now();
  try {
    const value = await work(sample);
    return {
      value,
      seconds: (performance.now() - started) / 1000,
      peakRssMiB: peak / 2 ** 20,
      peakHeapMiB: peakHeap / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

function hashCeiling(rows: number): number {
  const sample = rows;
  const started = performance.now();
  for (let id = 0; id < sample; id++) hash('sha256', textOf(id), 'hex');
  return sample / ((performance.now() - started) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'drift-bench-engine-'));
try {
  // LEDGER=memory measures the engine without SQLite (to tell the two apart).
  const ledger =
    process.env.LEDGER === 'memory'
      ? createMemoryLedger()
      : createSqliteLedger({ path: join(dir, 'ledger.db') });
  const embedder = createShadowEmbedder({ model });
  // It keeps nothing, so it answers the count the ledger records: the re-run then measures
  // unchanged rows instead of taking the sink for a lost one and writing every row again.
  const discarding = createDiscardingSink({ id: 'discard://bench' });
  const sink = Object.assign(discarding, {
    count: async () => ledger.countPoints(discarding.id),
  });
  const common = { sink, embedder, ledger, textColumn: 'text', keyColumns: ['id'], batchSize };
  const onEvent = (sample: () => void) => (event: DriftEvent) => {
    if (event.type === 'batch-end') sample();
  };

  // Ceilings, measured just before and just after each phase (the machine may be shared):
  // SHA-256 of the same texts, and the shadow embedder alone (what limits a first run).
  const ceilings = async () => {
    const hashRate = hashCeiling(50_000);
    const texts = Array.from({ length: 1000 }, (_, id) => textOf(id));
    const started = performance.now();
    for (let start = 0; start < texts.length; start += 500)
      await embedder.embed(texts.slice(start, start + 500));
    return { hashRate, shadowRate: texts.length / ((performance.now() - started) / 1000) };
  };
  const mean = (
    a: { hashRate: number; shadowRate: number },
    b: { hashRate: number; shadowRate: number },
  ) => ({
    hashRate: (a.hashRate + b.hashRate) / 2,
    shadowRate: (a.shadowRate + b.shadowRate) / 2,
  });

  const beforeFirst = await ceilings();
  const first = await measured((sample) =>
    embed({ ...common, source: syntheticSource(firstRows), onEvent: onEvent(sample) }),
  );
  if (first.value.status !== 'succeeded' || first.value.rowsEmbedded !== firstRows)
    throw new Error(`first run: ${JSON.stringify(first.value)}`);
  const firstCeilings = mean(beforeFirst, await ceilings());

  // Fill the ledger to RERUN_ROWS as if those rows had been embedded too.
  const started = performance.now();
  for (let start = firstRows; start < rerunRows; start += 10_000) {
    const upserts: LedgerBatch['upserts'] = [];
    for (let id = start; id < Math.min(rerunRows, start + 10_000); id++) {
      upserts.push({
        pointId: pointId(sourceId, String(id)),
        sourceId,
        key: String(id),
        contentHash: contentHash(textOf(id)),
        fingerprint: embedder.fingerprint,
        model,
        tokens: 250,
        costUsd: 0,
      });
    }
    await ledger.commitBatch({
      runId: first.value.runId,
      sinkId: sink.id,
      upserts,
      deletes: [],
      failures: [],
      at: new Date(),
    });
  }
  const seedSeconds = (performance.now() - started) / 1000;

  const beforeRerun = await ceilings();
  const rerun = await measured((sample) =>
    embed({ ...common, source: syntheticSource(rerunRows), onEvent: onEvent(sample) }),
  );
  if (
    rerun.value.status !== 'succeeded' ||
    rerun.value.rowsDeduped !== rerunRows ||
    rerun.value.rowsEmbedded !== 0
  )
    throw new Error(`re-run: ${JSON.stringify(rerun.value)}`);
  const rerunCeilings = mean(beforeRerun, await ceilings());
  await ledger.close();

  const rate = (rows: number, seconds: number) => rows / seconds;
  const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
  const line = (
    name: string,
    rows: number,
    run: { seconds: number; peakRssMiB: number; peakHeapMiB: number },
    around: { hashRate: number; shadowRate: number },
  ) =>
    `${name.padEnd(17)} ${String(rows).padStart(8)} rows ${run.seconds.toFixed(2).padStart(7)} s ${thousands(rate(rows, run.seconds)).padStart(8)} rows/s | ${(rate(rows, run.seconds) / around.hashRate).toFixed(3)} of SHA-256 (${thousands(around.hashRate)}/s), ${(rate(rows, run.seconds) / around.shadowRate).toFixed(2)} of shadow alone (${thousands(around.shadowRate)}/s) | peak RSS ${run.peakRssMiB.toFixed(0)} MiB (JS heap ${run.peakHeapMiB.toFixed(0)} MiB)`;
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  const ledgerName = process.env.LEDGER === 'memory' ? 'memory' : 'SQLite';
  console.log(
    `engine bench, load average ${load} on ${availableParallelism()} cores (batch ${batchSize}, shadow ${model} ${embedder.dimensions} dims, discarding sink, ${ledgerName} ledger); ceilings measured just before and after each phase`,
  );
  console.log(line('first run', firstRows, first, firstCeilings));
  console.log(line('no-change re-run', rerunRows, rerun, rerunCeilings));
  console.log(
    `(ledger seeded with ${rerunRows - firstRows} more points in ${seedSeconds.toFixed(1)} s; process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
