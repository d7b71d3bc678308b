import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitVector } from '@drift-spark/core/testkit';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, describe, expect, it } from 'vitest';
import { createLancedbSink } from './index.js';
import { idHash } from './lancedb-id-hash.js';
import { vectorIndexPlan } from './lancedb-index-policy.js';
import { boundLocalIoThreads } from './lancedb-io-threads.js';
import { boundIndexShuffleBytes } from './lancedb-shuffle-bytes.js';
import { dimensions, open, points } from './lancedb-test-points.js';

const folder = mkdtempSync(join(tmpdir(), 'drift-lancedb-load-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function storedIds(table: string): Promise<string[]> {
  const db = await lancedb.connect(folder);
  const opened = await db.openTable(table);
  const rows = await opened.query().select(['id']).toArray();
  opened.close();
  db.close();
  return rows.map((row) => String(row.id));
}

describe('LanceDB sink: a first load', () => {
  it('re-upserts after a crash between the write and the ledger without a second row per id', async () => {
    const first = createLancedbSink({ path: folder, table: 'crash' });
    await first.open(open);
    await first.upsert(points(100));
    await first.upsert(points(100, 100));
    // The process dies here: no finalize, no close, and the ledger never recorded the writes.
    const rerun = createLancedbSink({ path: folder, table: 'crash' });
    await rerun.open(open);
    for (const from of [0, 100, 200]) await rerun.upsert(points(100, from, 2));
    await rerun.close();
    const ids = await storedIds('crash');
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    const read = await readBack('crash', points(1, 150)[0]!.id);
    expect(read).toBeCloseTo(unitVector(dimensions, 150 * 7 + 2)[0]!, 5);
  });

  it('is left in its fragments below the index threshold (no rewrite of the whole load)', async () => {
    const sink = createLancedbSink({ path: folder, table: 'fragments' });
    await sink.open(open);
    for (let from = 0; from < 500; from += 100) await sink.upsert(points(100, from));
    await sink.finalize();
    await sink.close();
    const db = await lancedb.connect(folder);
    const table = await db.openTable('fragments');
    expect((await table.stats()).fragmentStats.numFragments).toBe(5);
    expect(await table.listIndices()).toEqual([]);
    table.close();
    db.close();
  });
});

async function readBack(table: string, id: string): Promise<number> {
  const sink = createLancedbSink({ path: folder, table });
  await sink.open(open);
  const [point] = await sink.retrieve([id], { withVectors: true });
  await sink.close();
  return point!.vector![0]!;
}

describe('LanceDB sink: policy by size', () => {
  it('sizes the IVF_HNSW_SQ index by rows: ~1k rows per partition, a bounded k-means sample', () => {
    expect(vectorIndexPlan(100_000)).toEqual({
      numPartitions: 98,
      sampleRate: 32,
      maxIterations: 20,
    });
    expect(vectorIndexPlan(1_000_000).numPartitions).toBe(977);
    expect(vectorIndexPlan(500).numPartitions).toBe(1);
    expect(vectorIndexPlan(100_000_000).numPartitions).toBe(1024);
  });

  it('bounds Lance I/O threads for a local folder unless the user chose', () => {
    const env: NodeJS.ProcessEnv = {};
    boundLocalIoThreads(false, env);
    expect(env.LANCE_IO_THREADS).toBeUndefined();
    boundLocalIoThreads(true, env);
    expect(env.LANCE_IO_THREADS).toBe('2');
    const chosen: NodeJS.ProcessEnv = { LANCE_IO_THREADS: '16' };
    boundLocalIoThreads(true, chosen);
    expect(chosen.LANCE_IO_THREADS).toBe('16');
  });

  it("bounds Lance's IVF shuffle buffer to 16 MiB unless the user chose", () => {
    const env: NodeJS.ProcessEnv = {};
    boundIndexShuffleBytes(env);
    expect(env.LANCE_SHUFFLE_BATCH_BYTES).toBe(String(16 * 1024 * 1024));
    const chosen: NodeJS.ProcessEnv = { LANCE_SHUFFLE_BATCH_BYTES: '134217728' };
    boundIndexShuffleBytes(chosen);
    expect(chosen.LANCE_SHUFFLE_BATCH_BYTES).toBe('134217728');
  });

  it('remembers appended ids by a 52-bit hash without collisions on sequential ids', () => {
    const hashes = new Set<number>();
    let unsafe = 0;
    for (let index = 0; index < 200_000; index++) {
      const hash = idHash(`00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`);
      if (!Number.isSafeInteger(hash) || hash < 0) unsafe++;
      hashes.add(hash);
    }
    expect(unsafe).toBe(0);
    expect(hashes.size).toBe(200_000);
    expect(idHash('a')).toBe(idHash('a'));
  });
});
