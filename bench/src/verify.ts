/**
 * `verify` over ROWS rows (default 1M): a table, a real SQLite ledger of ROWS live points
 * and a sink of ROWS points, with a few points of each kind of drift planted. The table
 * and the sink are generated on the fly (no store in between), so what is measured is
 * verify itself: hashing every text, paging the ledger, filing three streams into its
 * point table and classifying. Held against a ceiling measured in the same run: the same
 * three streams read (and the texts hashed) with nothing compared. Prints peak memory.
 *
 *   pnpm --filter @drift-spark/core --filter @drift-spark/ledger build && node --import tsx bench/src/verify.ts
 *   ROWS=200000 node --import tsx bench/src/verify.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contentHash,
  type LedgerBatch,
  pointId,
  type Sink,
  type Source,
  type StoredPoint,
  verify,
} from '@drift-spark/core';
import { zeroCounters } from '@drift-spark/core/internal';
import { createSqliteLedger } from '@drift-spark/ledger';

const rows = Number(process.env.ROWS ?? 1_000_000);
const page = 2000;
const sourceId = 'bench-verify-table';
const sinkId = 'bench://verify';
const model = 'openai/text-embedding-3-small';
const fingerprint = `${model}@8`;
/** Planted: row 0's point deleted, rows 1 and 2 stale, 3 orphans, row 3's ledger row gone. */
const textOf = (index: number) => `row ${index}: a support ticket about invoice ${index * 7}`;

function table(): Source {
  return {
    specificationVersion: 'v1',
    id: sourceId,
    async describe() {
      return {
        id: sourceId,
        columns: [
          { name: 'id', type: 'long', nullable: false },
          { name: 'body', type: 'string', nullable: true },
        ],
        latestVersion: 0,
        changeFeed: false,
        rowCount: rows,
      };
    },
    async *scan() {
      for (let start = 0; start < rows; start += page) {
        const batch = [];
        for (let index = start; index < Math.min(rows, start + page); index++)
          batch.push({ id: index, body: textOf(index) });
        yield { rows: batch, version: 0 };
      }
    },
  };
}

function sink(): Sink {
  const payload = (index: number, hash: string) => ({
    key: String(index),
    source: sourceId,
    content: null,
    content_hash: hash,
    model,
    run_id: 'bench',
    metadata: null,
  });
  return {
    specificationVersion: 'v1',
    id: sinkId,
    async open() {},
    async upsert() {},
    async delete() {},
    async retrieve() {
      return [];
    },
    async *scan() {
      for (let start = 1; start < rows + 3; start += page) {
        const batch: StoredPoint[] = [];
        for (let index = start; index < Math.min(rows + 3, start + page); index++) {
          const hash = index <= 2 ? contentHash(`changed ${index}`) : contentHash(textOf(index));
          batch.push({ id: pointId(sourceId, String(index)), payload: payload(index, hash) });
        }
        yield batch;
      }
    },
    async search() {
      return [];
    },
    async count() {
      return rows + 2;
    },
    async close() {},
  };
}

async function fillLedger(path: string): Promise<void> {
  const ledger = createSqliteLedger({ path });
  const runId = randomUUID();
  await ledger.startRun({
    runId,
    kind: 'embed',
    sourceId,
    sinkId,
    model,
    fingerprint,
    usdPerMillionTokens: 0,
    priceSource: 'bench',
    startedAt: new Date(),
  });
  for (let start = 0; start < rows; start += 10_000) {
    const upserts: LedgerBatch['upserts'] = [];
    for (let index = start; index < Math.min(rows, start + 10_000); index++)
      if (index !== 3)
        upserts.push({
          pointId: pointId(sourceId, String(index)),
          sourceId,
          key: String(index),
          contentHash: contentHash(textOf(index)),
          fingerprint,
          model,
          tokens: 0,
          costUsd: 0,
        });
    await ledger.commitBatch({ runId, sinkId, upserts, deletes: [], failures: [], at: new Date() });
  }
  await ledger.finishRun(runId, {
    status: 'succeeded',
    counters: { ...zeroCounters(), rowsProcessed: rows },
    finishedAt: new Date(),
  });
  await ledger.close();
}

/** The ceiling: the same three streams read, the texts hashed, nothing filed or compared. */
async function readOnly(path: string): Promise<{ seconds: number; cpuSeconds: number }> {
  const ledger = createSqliteLedger({ path });
  const began = performance.now();
  const cpuBefore = process.cpuUsage();
  let seen = 0;
  await Promise.all([
    (async () => {
      for await (const batch of table().scan({ columns: ['id', 'body'] }))
        for (const row of batch.rows) {
          pointId(sourceId, String(row.id));
          contentHash(String(row.body));
          seen++;
        }
    })(),
    (async () => {
      let after: string | undefined;
      for (;;) {
        const points = await ledger.livePoints!({
          sinkId,
          sourceId,
          limit: page,
          ...(after ? { afterPointId: after } : {}),
        });
        seen += points.length;
        if (points.length < page) break;
        after = points[points.length - 1]!.pointId;
      }
    })(),
    (async () => {
      for await (const batch of sink().scan()) seen += batch.length;
    })(),
  ]);
  await ledger.close();
  if (seen === 0) throw new Error('nothing read');
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: (performance.now() - began) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'drift-bench-verify-'));
  const path = join(dir, 'ledger.db');
  try {
    await fillLedger(path);
    const ceiling = await readOnly(path);
    const ledger = createSqliteLedger({ path });
    // What verify holds: JS heap and typed arrays, above what was held before it began.
    const held = () => {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    global.gc?.();
    const baseHeld = held();
    let peakHeld = baseHeld;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakHeld = Math.max(peakHeld, held());
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const cpuBefore = process.cpuUsage();
    const result = await verify({
      source: table(),
      sink: sink(),
      ledger,
      textColumn: 'body',
      model,
      dimensions: 8,
    });
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    await ledger.close();
    const expected = {
      missing: 1,
      orphan: 3,
      stale: 2,
      otherModel: 0,
      ledgerWithoutPoint: 0,
      unrecorded: 1,
    };
    for (const [kind, count] of Object.entries(expected))
      if (result.drift[kind as keyof typeof expected] !== count)
        throw new Error(
          `verify found ${JSON.stringify(result.drift)}, planted ${JSON.stringify(expected)}`,
        );
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
    console.log(
      `verify of ${rows.toLocaleString('en')} rows (table, SQLite ledger, sink), planted drift found exactly`,
    );
    console.log(
      `  verify:   ${result.durationS.toFixed(1)} s (${Math.round(rows / result.durationS).toLocaleString('en')} rows/s)`,
    );
    console.log(
      `  ceiling:  ${ceiling.seconds.toFixed(1)} s (${ceiling.cpuSeconds.toFixed(1)} s of CPU) to read the three streams and hash the texts, comparing nothing`,
    );
    console.log(`  ratio:    ${(result.durationS / ceiling.seconds).toFixed(2)}x the ceiling`);
    console.log(
      `  cpu:      ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU (the wall time above grows with the machine's load)`,
    );
    console.log(
      `  memory:   ${mb(peakHeld - baseHeld)} held by verify at its peak (heap + typed arrays), process peak RSS ${mb(peakRss)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
