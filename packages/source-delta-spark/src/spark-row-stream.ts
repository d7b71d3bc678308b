import type { Change, ChangeType } from '@drift-spark/core';
import type { SparkDeltaClient } from './spark-delta-source.js';
import { toSourceError } from './spark-errors.js';
import { type Projection, toRow } from './spark-projection.js';

const changeTypes = new Set<ChangeType>([
  'insert',
  'update_preimage',
  'update_postimage',
  'delete',
]);

/**
 * Streams a query's rows as pages of `size` items; `toItem` maps each Arrow row (and may
 * skip it with `undefined`). Spark failures become source errors naming the table.
 */
export async function* streamPages<T>(
  spark: SparkDeltaClient,
  query: string,
  size: number,
  display: string,
  toItem: (source: Record<string, unknown>) => T | undefined,
  signal?: AbortSignal,
): AsyncGenerator<T[]> {
  let pending: T[] = [];
  try {
    for await (const rows of spark.sql(query, { signal }).rows()) {
      for (const source of rows) {
        const item = toItem(source);
        if (item === undefined) continue;
        pending.push(item);
        if (pending.length >= size) {
          yield pending;
          pending = [];
        }
      }
    }
  } catch (error) {
    throw toSourceError(error, display);
  }
  if (pending.length > 0) yield pending;
}

/** A row of a `table_changes` query as a change; rows of other change types are skipped. */
export function toChange(
  source: Record<string, unknown>,
  columns: Projection['columns'],
): Change | undefined {
  const type = source.__drift_change_type as ChangeType;
  if (!changeTypes.has(type)) return undefined;
  return {
    type,
    row: toRow(source, columns),
    commitVersion: Number(source.__drift_commit_version),
    commitTimestamp: Number(source.__drift_commit_ms),
  };
}
