import type { Point, SinkV1 } from '@drift-spark/core';
import { isPointId } from '@drift-spark/core/internal';
import type { Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';
import { pointsToArrow } from './lancedb-arrow.js';
import { ID_CHUNK, idPredicate, type LancedbContext } from './lancedb-context.js';
import { idHash } from './lancedb-id-hash.js';
import { optimizeTable } from './lancedb-index-policy.js';

export interface LancedbWriter extends Pick<SinkV1, 'upsert' | 'delete'> {
  /** After `open`: the table's schema and size, and whether it was empty (a first load may append). */
  opened(schema: Schema, dimensions: number, empty: boolean): void;
  /** Whether a first load has written points that are not compacted yet. */
  firstLoadPending(): boolean;
  /** After `finalize`: later writes overwrite (mergeInsert) and count towards the next compaction. */
  settled(): void;
}

/**
 * The write side of the LanceDB sink. Each write is one Lance commit (a new table version,
 * published by an atomic manifest write): `upsert` resolves once it is on disk and visible.
 * While a table that was empty at `open` receives only new ids, points are appended
 * (`add`); otherwise `mergeInsert` on `id` overwrites. `optimize()` runs after every
 * `optimizeEvery` small writes so rows written later join the index.
 */
export function lancedbWriter(
  context: LancedbContext & { storeContent: boolean; optimizeEvery: number },
): LancedbWriter {
  const { tableName, ready, fail, storeContent, optimizeEvery } = context;
  let schema: Schema | undefined;
  let dimensions = 0;
  /** Ids (hashed) written since an `open` that found the table empty; undefined once appends stop being safe. */
  let appendedIds: Set<number> | undefined;
  let writesSinceOptimize = 0;

  async function afterWrite(current: Table): Promise<void> {
    if (appendedIds !== undefined) return; // a first load: one fragment per write, left as is
    if (++writesSinceOptimize < optimizeEvery) return;
    writesSinceOptimize = 0;
    await optimizeTable(current);
  }

  return {
    opened(tableSchema, size, empty) {
      schema = tableSchema;
      dimensions = size;
      appendedIds = empty ? new Set() : undefined;
    },
    firstLoadPending: () => appendedIds !== undefined && appendedIds.size > 0,
    settled() {
      appendedIds = undefined;
      writesSinceOptimize = 0;
    },

    async upsert(points, call) {
      const current = ready(call?.signal);
      if (points.length === 0) return;
      const unique = new Map<string, Point>();
      for (const point of points) unique.set(String(point.id).toLowerCase(), point);
      const batch = pointsToArrow([...unique.values()], schema!, dimensions, storeContent);
      try {
        const seen = appendedIds;
        const hashes = seen === undefined ? [] : [...unique.keys()].map(idHash);
        if (seen !== undefined && !hashes.some((hash) => seen.has(hash))) {
          // A failed add may still have committed: a retry of the batch must then overwrite.
          appendedIds = undefined;
          await current.add(batch);
          for (const hash of hashes) seen.add(hash);
          appendedIds = seen;
        } else {
          appendedIds = undefined;
          await current
            .mergeInsert('id')
            .whenMatchedUpdateAll()
            .whenNotMatchedInsertAll()
            .execute(batch);
        }
        await afterWrite(current);
      } catch (error) {
        throw fail(error, `write ${unique.size} points to ${tableName}`);
      }
    },

    async delete(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isPointId).map((id) => id.toLowerCase());
      if (valid.length === 0) return;
      // A deleted id may come back: it must then overwrite, not append beside a ghost.
      appendedIds = undefined;
      try {
        for (let start = 0; start < valid.length; start += ID_CHUNK)
          await current.delete(idPredicate(valid.slice(start, start + ID_CHUNK)));
        await afterWrite(current);
      } catch (error) {
        throw fail(error, `delete ${valid.length} points from ${tableName}`);
      }
    },
  };
}
