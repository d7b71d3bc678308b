/**
 * The SQLite ledger's hot paths, over a ledger of ROWS live points (default 1M):
 * - batched write: `commitBatch` of 10k upserts per transaction (point row + history row);
 * - batched lookup: `getPoints` of 10k random existing point ids (the engine's dedup query);
 * - `findByContentHash` of 10k hashes (the engine's reuse query).
 * Each is held against a ceiling measured in the same run on the same file system: raw
 * better-sqlite3 on a one-table, one-index schema (prepared insert in a 10k transaction,
 * prepared primary-key lookup per id), and the machine's SHA-256 of 1 KB.
 *
 *   pnpm --filter @drift-spark/ledger build && node --import tsx bench/src/ledger.ts
 *   ROWS=200000 node --import tsx bench/src/ledger.ts
 *   CACHE_MIB=16 node --import tsx bench/src/ledger.ts   (the ledger's page cache; default 64)
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, type LedgerBatch, pointId } from '@drift-spark/core';
import { createSqliteLedger } from '@drift-spark/ledger';
import Database from 'better-sqlite3';

const rows = Number(process.env.ROWS ?? 1_000_000);
const batchSize = 10_000;
const lookups = Math.min(rows, Number(process.env.LOOKUPS ?? 200_000));
const sourceId = 'delta:5f0c7a51-8d8e-4f34-9b0f-3c1d2a9e7b10';
const sinkId = 'qdrant://127.0.0.1:6333/documents';
const model = 'openai/text-embedding-3-small';
const fingerprint = `${model}@1536`;

const dir = mkdtempSync(join(tmpdir(), 'drift-bench-ledger-'));
const now = () => performance.now();
const perRow = (ms: number, count: number) => (ms * 1000) / count;
const fmt = (micros: number) => `${micros.toFixed(2)} µs/row`;

function upsertFor(index: number, version = 0) {
  const key = String(index);
  return {
    pointId: pointId(sourceId, key),
    sourceId,
    key,
    contentHash: contentHash(`row ${index} version ${version}`),
    fingerprint,
    model,
    tokens: 250,
    costUsd: (250 * 0.02) / 1e6,
  };
}

/** Random sample of existing row indexes, in batches of `batchSize`. */
function sampleBatches(count: number): number[][] {
  const batches: number[][] = [];
  for (let done = 0; done < count; done += batchSize) {
    batches.push(
      Array.from({ length: Math.min(batchSize, count - done) }, () =>
        Math.floor(Math.random() * rows),
      ),
    );
  }
  return batches;
}

async function main(): Promise<void> {
  const path = join(dir, 'ledger.db');
  const ledger = createSqliteLedger({ path, cacheSizeMiB: Number(process.env.CACHE_MIB ?? 64) });
  const runId = randomUUID();
  await ledger.startRun({
    runId,
    kind: 'embed',
    sourceId,
    sinkId,
    model,
    fingerprint,
    usdPerMillionTokens: 0.02,
    priceSource: 'bench',
    startedAt: new Date(),
  });

  // Ledger: first write of every point, 10k per transaction. Ids and hashes are made
  // outside the timed section so that only the ledger is measured.
  let writeMs = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const upserts = Array.from({ length: Math.min(batchSize, rows - start) }, (_, offset) =>
      upsertFor(start + offset),
    );
    const batch: LedgerBatch = {
      runId,
      sinkId,
      upserts,
      deletes: [],
      failures: [],
      at: new Date(),
    };
    const began = now();
    await ledger.commitBatch(batch);
    writeMs += now() - began;
  }
  const writeMicros = perRow(writeMs, rows);

  // Ledger: rewrite of existing points (a changed text), 10k per transaction.
  const rewrites = sampleBatches(Math.min(rows, 200_000));
  let rewriteMs = 0;
  for (const indexes of rewrites) {
    const upserts = indexes.map((index) => upsertFor(index, 1));
    const began = now();
    await ledger.commitBatch({ runId, sinkId, upserts, deletes: [], failures: [], at: new Date() });
    rewriteMs += now() - began;
  }
  const rewriteMicros = perRow(
    rewriteMs,
    rewrites.reduce((sum, batch) => sum + batch.length, 0),
  );

  // Ledger: batched lookup (dedup) of random existing ids.
  const lookupBatches = sampleBatches(lookups).map((batch) =>
    batch.map((index) => pointId(sourceId, String(index))),
  );
  let lookupMs = 0;
  let found = 0;
  for (const ids of lookupBatches) {
    const began = now();
    found += (await ledger.getPoints(sinkId, ids)).size;
    lookupMs += now() - began;
  }
  const lookupMicros = perRow(lookupMs, lookups);

  // Ledger: batched reuse lookup by content hash.
  let hashMs = 0;
  for (const indexes of sampleBatches(lookups)) {
    const hashes = indexes.map((index) => contentHash(`row ${index} version 0`));
    const began = now();
    await ledger.findByContentHash(sinkId, fingerprint, hashes);
    hashMs += now() - began;
  }
  const hashMicros = perRow(hashMs, lookups);

  const costBegan = now();
  const cost = await ledger.cost({ by: 'model' });
  const costMs = now() - costBegan;
  await ledger.finishRun(runId, {
    status: 'succeeded',
    counters: {
      rowsProcessed: rows,
      rowsDeduped: 0,
      rowsEmbedded: rows,
      rowsReused: 0,
      rowsSkipped: 0,
      rowsFailed: 0,
      rowsDeleted: 0,
      tokens: cost[0]?.tokens ?? 0,
      costUsd: cost[0]?.costUsd ?? 0,
    },
    finishedAt: new Date(),
  });
  await ledger.close();
  const ledgerBytes = statSync(path).size;

  // Ceiling: raw better-sqlite3, one table keyed like the ledger's points, same pragmas.
  const rawPath = join(dir, 'raw.db');
  const db = new Database(rawPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.exec(
    'CREATE TABLE t (sink_id TEXT NOT NULL, point_id TEXT NOT NULL, content_hash TEXT NOT NULL, PRIMARY KEY (sink_id, point_id))',
  );
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
  const insertMany = db.transaction((points: { pointId: string; contentHash: string }[]) => {
    for (const point of points) insert.run(sinkId, point.pointId, point.contentHash);
  });
  let rawWriteMs = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const points = Array.from({ length: Math.min(batchSize, rows - start) }, (_, offset) =>
      upsertFor(start + offset),
    );
    const began = now();
    insertMany.immediate(points);
    rawWriteMs += now() - began;
  }
  const select = db.prepare(
    'SELECT point_id, content_hash FROM t WHERE sink_id = ? AND point_id = ?',
  );
  let rawLookupMs = 0;
  for (const ids of lookupBatches) {
    const began = now();
    const result = new Map<string, unknown>();
    for (const id of ids) {
      const row = select.get(sinkId, id);
      if (row) result.set(id, row);
    }
    rawLookupMs += now() - began;
  }
  db.close();
  const rawWriteMicros = perRow(rawWriteMs, rows);
  const rawLookupMicros = perRow(rawLookupMs, lookups);

  // The machine: SHA-256 of 1 KB texts.
  const texts = Array.from({ length: 20_000 }, (_, index) =>
    `${index} `.padEnd(1024, 'lorem ipsum dolor sit amet '),
  );
  const shaBegan = now();
  for (const text of texts) createHash('sha256').update(text).digest('hex');
  const shaMicros = perRow(now() - shaBegan, texts.length);

  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `ledger over ${rows.toLocaleString('en')} live points (file ${(ledgerBytes / 2 ** 20).toFixed(0)} MiB), transactions of ${batchSize.toLocaleString('en')}`,
  );
  console.log(
    `  batched write (first)   ${fmt(writeMicros)}   raw one-table insert ${fmt(rawWriteMicros)}   ratio ${(writeMicros / rawWriteMicros).toFixed(2)}x`,
  );
  console.log(`  batched write (rewrite) ${fmt(rewriteMicros)}`);
  console.log(
    `  batched lookup          ${fmt(lookupMicros)}   raw PK lookup per id ${fmt(rawLookupMicros)}   ratio ${(lookupMicros / rawLookupMicros).toFixed(2)}x   (${found.toLocaleString('en')} of ${lookups.toLocaleString('en')} found)`,
  );
  console.log(`  findByContentHash       ${fmt(hashMicros)}`);
  console.log(`  cost by model over the whole history: ${costMs.toFixed(0)} ms`);
  console.log(
    `  SHA-256 of 1 KB         ${fmt(shaMicros)}   (lookup = ${(lookupMicros / shaMicros).toFixed(1)}x a hash, write = ${(writeMicros / shaMicros).toFixed(1)}x)`,
  );
  console.log(`  peak RSS ${peakRssMiB.toFixed(0)} MiB`);
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
