import type { SinkBuildProgress } from '@drift-spark/core';
import type { Table } from '@lancedb/lancedb';

/** Rows from which an ANN index pays: below it LanceDB's exact (SIMD, on-disk) scan is quick. */
export const DEFAULT_INDEX_THRESHOLD = 50_000;
/** Small writes between two `optimize()` runs (compaction, index catch-up, old versions). */
export const DEFAULT_OPTIMIZE_EVERY = 100;
/** Old table versions kept this long, for readers still on them. */
const KEEP_VERSIONS_MS = 10 * 60_000;
/** How often a running build says it is still running. */
const PROGRESS_EVERY_MS = 5_000;

/** Whether the table has an index on its vector column. */
export async function hasVectorIndex(table: Table, column: string): Promise<boolean> {
  const indices = await table.listIndices();
  return indices.some((index) => index.columns.includes(column));
}

/** The IVF_HNSW_SQ parameters for a table of `rows` vectors (see vectorIndexPlan). */
export interface VectorIndexPlan {
  numPartitions: number;
  sampleRate: number;
  maxIterations: number;
}

/**
 * IVF_HNSW_SQ sized so the build stays bounded: ~1,024 rows per partition, each an HNSW
 * graph over 8-bit scalar-quantized vectors; k-means on 32 vectors per partition for 20
 * rounds. The sample rate also sizes the scalar quantizer's training sample (`sampleRate ×
 * 256` vectors in f32, copied once to normalize for cosine), so 32 rather than 64 halves the
 * build's first-second spike; with it, ~2,048 rows per partition left k-means too few vectors
 * and built ~60% slower. At 100k × 1536-d (98 partitions): 66 CPU-s, 242 MiB, recall@10 0.995;
 * IVF-PQ took 1.4–1.7 GB for recall 0.34 (bench/README.md, "LanceDB: memory and index").
 */
export function vectorIndexPlan(rows: number): VectorIndexPlan {
  return {
    numPartitions: Math.min(1024, Math.max(1, Math.round(rows / 1024))),
    sampleRate: 32,
    maxIterations: 20,
  };
}

/**
 * Builds the vector index (IVF_HNSW_SQ, cosine, sized by `vectorIndexPlan`) and a BTREE on `id`
 * so mergeInsert and deletes find rows without a full scan. Replaces an older index of the
 * same name. Tells `onProgress` every few seconds that the build is still running (LanceDB
 * reports no progress of its own).
 */
export async function buildIndexes(
  table: Table,
  column: string,
  rows: number,
  onProgress?: (progress: SinkBuildProgress) => void,
): Promise<void> {
  const { Index } = await import('@lancedb/lancedb');
  const plan = vectorIndexPlan(rows);
  const began = Date.now();
  const phase = `IVF_HNSW_SQ on ${rows.toLocaleString('en-US')} rows, ${plan.numPartitions} partitions`;
  const ticker = onProgress
    ? setInterval(() => {
        const seconds = Math.round((Date.now() - began) / 1000);
        onProgress({ phase: `${phase}, ${seconds} s`, done: 0, total: 0 });
      }, PROGRESS_EVERY_MS)
    : undefined;
  try {
    await table.createIndex(column, {
      config: Index.hnswSq({ distanceType: 'cosine', ...plan }),
      replace: true,
    });
    await table.createIndex('id', { config: Index.btree(), replace: true });
  } finally {
    clearInterval(ticker);
  }
}

/** Compacts small fragments, adds new rows to the indexes, drops versions older than a few minutes. */
export async function optimizeTable(table: Table): Promise<void> {
  await table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
}
