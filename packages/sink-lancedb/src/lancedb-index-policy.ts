import type { Table } from '@lancedb/lancedb';

/** Rows from which an ANN index pays: below it LanceDB's exact (SIMD, on-disk) scan is quick. */
export const DEFAULT_INDEX_THRESHOLD = 50_000;
/** Small writes between two `optimize()` runs (compaction, index catch-up, old versions). */
export const DEFAULT_OPTIMIZE_EVERY = 100;
/** Old table versions kept this long, for readers still on them. */
const KEEP_VERSIONS_MS = 10 * 60_000;

/** Whether the table has an index on its vector column. */
export async function hasVectorIndex(table: Table, column: string): Promise<boolean> {
  const indices = await table.listIndices();
  return indices.some((index) => index.columns.includes(column));
}

/**
 * Builds the vector index LanceDB recommends: IVF-PQ, √rows partitions, dimensions/16
 * sub-vectors (its defaults), cosine; plus a BTREE on `id` so mergeInsert and deletes
 * find rows without a full scan. Replaces an older index of the same name.
 */
export async function buildIndexes(
  table: Table,
  column: string,
  rows: number,
  dimensions: number,
): Promise<void> {
  const { Index } = await import('@lancedb/lancedb');
  const numPartitions = Math.max(1, Math.round(Math.sqrt(rows)));
  const numSubVectors =
    dimensions % 16 === 0 ? dimensions / 16 : dimensions % 8 === 0 ? dimensions / 8 : 1;
  await table.createIndex(column, {
    config: Index.ivfPq({ distanceType: 'cosine', numPartitions, numSubVectors }),
    replace: true,
  });
  await table.createIndex('id', { config: Index.btree(), replace: true });
}

/** Compacts small fragments, adds new rows to the indexes, drops versions older than a few minutes. */
export async function optimizeTable(table: Table): Promise<void> {
  await table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
}
