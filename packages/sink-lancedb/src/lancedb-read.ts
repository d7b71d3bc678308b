import type { SearchHit, SinkV1, StoredPoint } from '@drift-spark/core';
import { assertSearchArgs, isPointId, toPointPayload } from '@drift-spark/core/internal';
import { arrowToPoints, PAYLOAD_COLUMNS, VECTOR_COLUMN } from './lancedb-arrow.js';
import { ID_CHUNK, idPredicate, type LancedbContext } from './lancedb-context.js';

/** Search breadth on an IVF index: partitions probed, and candidates re-ranked exactly. */
const NPROBES = 32;
const REFINE_FACTOR = 10;

const columnsFor = (withVectors: boolean | undefined) =>
  withVectors ? [...PAYLOAD_COLUMNS, VECTOR_COLUMN] : [...PAYLOAD_COLUMNS];

/** The read side of the LanceDB sink: `retrieve`, `scan`, `search` (exact, or on the index), `count`. */
export function lancedbReader(
  context: LancedbContext & { dimensions(): number; indexed(): boolean },
): Pick<SinkV1, 'retrieve' | 'scan' | 'search' | 'count'> {
  const { tableName, ready, fail } = context;
  return {
    async retrieve(ids, call) {
      const current = ready(call?.signal);
      const valid = [...new Set(ids.filter(isPointId).map((id) => id.toLowerCase()))];
      const columns = columnsFor(call?.withVectors);
      const found: StoredPoint[] = [];
      try {
        for (let start = 0; start < valid.length; start += ID_CHUNK) {
          const chunk = valid.slice(start, start + ID_CHUNK);
          const read = await current.query().where(idPredicate(chunk)).select(columns).toArrow();
          found.push(...arrowToPoints(read));
        }
      } catch (error) {
        throw fail(error, `read points from ${tableName}`);
      }
      return found;
    },

    async *scan(call) {
      const current = ready(call?.signal);
      const size = Math.max(1, Math.min(call?.batchSize ?? 256, 10_000));
      let pending: StoredPoint[] = [];
      try {
        for await (const batch of current.query().select(columnsFor(call?.withVectors))) {
          ready(call?.signal);
          pending.push(...arrowToPoints(batch));
          while (pending.length >= size) {
            yield pending.slice(0, size);
            pending = pending.slice(size);
          }
        }
      } catch (error) {
        throw fail(error, `scan ${tableName}`);
      }
      if (pending.length > 0) yield pending;
    },

    async search(vector, call) {
      const current = ready(call?.signal);
      assertSearchArgs(vector, call.k, context.dimensions(), `the table ${tableName}`);
      try {
        if ((await current.countRows()) === 0) return [];
        let query = current
          .vectorSearch(vector)
          .column(VECTOR_COLUMN)
          .distanceType('cosine')
          .select([...PAYLOAD_COLUMNS, '_distance'])
          .limit(call.k);
        if (context.indexed()) query = query.nprobes(NPROBES).refineFactor(REFINE_FACTOR);
        const rows = (await query.toArray()) as Record<string, unknown>[];
        return rows.map(
          (row): SearchHit => ({
            id: String(row.id),
            score: 1 - Number(row._distance),
            payload: toPointPayload(row),
          }),
        );
      } catch (error) {
        throw fail(error, `search ${tableName}`);
      }
    },

    async count(call) {
      const current = ready(call?.signal);
      try {
        return await current.countRows();
      } catch (error) {
        throw fail(error, `count ${tableName}`);
      }
    },
  };
}
