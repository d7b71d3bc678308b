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

/** The IVF-PQ parameters for a table of `rows` vectors of `dimensions` (see vectorIndexPlan). */
export interface VectorIndexPlan {
  numPartitions: number;
  numSubVectors: number;
  sampleRate: number;
  maxIterations: number;
}

/**
 * IVF-PQ sized so the build stays bounded: ~4,096 rows per partition (LanceDB's √rows
 * gave 316 partitions at 100k rows, whose k-means ran 35 min at 1.3–1.6 GB without
 * finishing here), k-means trained on 64 vectors per partition for 20 rounds, and
 * dimensions/16 sub-vectors (LanceDB's default; /8 or 1 when 16 does not divide).
 */
export function vectorIndexPlan(rows: number, dimensions: number): VectorIndexPlan {
  const numSubVectors =
    dimensions % 16 === 0 ? dimensions / 16 : dimensions % 8 === 0 ? dimensions / 8 : 1;
  return {
    numPartitions: Math.min(1024, Math.max(1, Math.round(rows / 4096))),
    numSubVectors,
    sampleRate: 64,
    maxIterations: 20,
  };
}

/**
 * Builds the vector index (IVF-PQ, cosine, sized by `vectorIndexPlan`) and a BTREE on `id`
 * so mergeInsert and deletes find rows without a full scan. Replaces an older index of the
 * same name. Tells `onProgress` every few seconds that the build is still running (LanceDB
 * reports no progress of its own).
 */
export async function buildIndexes(
  table: Table,
  column: string,
  rows: number,
  dimensions: number,
  onProgress?: (progress: SinkBuildProgress) => void,
): Promise<void> {
  const { Index } = await import('@lancedb/lancedb');
  const plan = vectorIndexPlan(rows, dimensions);
  const began = Date.now();
  const phase = `IVF-PQ on ${rows.toLocaleString('en-US')} rows, ${plan.numPartitions} partitions`;
  const ticker = onProgress
    ? setInterval(() => {
        const seconds = Math.round((Date.now() - began) / 1000);
        onProgress({ phase: `${phase}, ${seconds} s`, done: 0, total: 0 });
      }, PROGRESS_EVERY_MS)
    : undefined;
  try {
    await table.createIndex(column, {
      config: Index.ivfPq({ distanceType: 'cosine', ...plan }),
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
