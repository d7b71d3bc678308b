import type { SearchHit, SinkV1 } from '@drift-spark/core';
import { assertSearchArgs, isPointId, toPointPayload } from '@drift-spark/core/internal';
import type { PgvectorContext } from './pgvector-context.js';
import {
  type Row,
  SELECT_PAYLOAD,
  selectColumns,
  toStoredPoint,
  uuidArray,
  vectorLiteral,
} from './pgvector-rows.js';

/** The read side of the pgvector sink: `retrieve`, `scan` (keyset pages), `search`, `count`. */
export function pgvectorReader(
  context: PgvectorContext,
): Pick<SinkV1, 'retrieve' | 'scan' | 'search' | 'count'> {
  const { table, ready, fail } = context;
  return {
    async retrieve(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isPointId);
      if (valid.length === 0) return [];
      const columns = selectColumns(call?.withVectors);
      try {
        const rows = await current.query<Row>(
          `select ${columns} from ${table} where id = any($1::uuid[])`,
          [uuidArray(valid)],
        );
        return rows.map((row) => toStoredPoint(row, call?.withVectors ?? false));
      } catch (error) {
        throw fail(error, `read points from ${table}`);
      }
    },

    async *scan(call) {
      const batchSize = Math.max(1, Math.min(call?.batchSize ?? 500, 10_000));
      const withVectors = call?.withVectors ?? false;
      const columns = selectColumns(withVectors);
      let after: string | undefined;
      for (;;) {
        const current = ready(call?.signal);
        let rows: Row[];
        try {
          // Keyset pagination on the primary key: bounded batches, stable under concurrent writes.
          rows = await current.query<Row>(
            `select ${columns} from ${table}
             ${after === undefined ? '' : 'where id > $2::uuid'} order by id limit $1`,
            after === undefined ? [batchSize] : [batchSize, after],
          );
        } catch (error) {
          throw fail(error, `scan ${table}`);
        }
        if (rows.length === 0) return;
        yield rows.map((row) => toStoredPoint(row, withVectors));
        if (rows.length < batchSize) return;
        after = rows[rows.length - 1]?.id;
      }
    },

    async search(vector, call) {
      const current = ready(call?.signal);
      const k = call.k;
      assertSearchArgs(vector, k, context.dimensions(), `the table ${table}`);
      const literal = vectorLiteral(vector);
      const sql = `select ${SELECT_PAYLOAD}, embedding <=> $1::vector as distance from ${table} order by embedding <=> $1::vector limit $2`;
      try {
        // HNSW returns at most hnsw.ef_search rows (40 by default): raise it for a larger k.
        const rows =
          k > 40
            ? await current.transaction(async (executor) => {
                await executor.query(`select set_config('hnsw.ef_search', $1, true)`, [
                  String(Math.min(k, 1000)),
                ]);
                return executor.query<Row>(sql, [literal, k]);
              })
            : await current.query<Row>(sql, [literal, k]);
        return rows.map(
          (row): SearchHit => ({
            id: row.id,
            score: 1 - Number(row.distance),
            payload: toPointPayload(row),
          }),
        );
      } catch (error) {
        throw fail(error, `search ${table}`);
      }
    },

    async count(call) {
      const current = ready(call?.signal);
      try {
        const rows = await current.query<{ count: string | number }>(
          `select count(*)::text as count from ${table}`,
        );
        return Number(rows[0]?.count ?? 0);
      } catch (error) {
        throw fail(error, `count ${table}`);
      }
    },
  };
}
