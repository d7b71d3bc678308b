import type { SearchHit, SinkV1 } from '@drift-spark/core';
import { assertSearchArgs, isPointId, toPointPayload } from '@drift-spark/core/internal';
import type { QdrantPointRecord } from './qdrant-client-subset.js';
import type { QdrantContext } from './qdrant-context.js';
import { toStoredPoint } from './qdrant-points.js';

/** The read side of the Qdrant sink: `retrieve`, `scan` (scroll pages), `search`, `count`. */
export function qdrantReader(
  context: QdrantContext,
): Pick<SinkV1, 'retrieve' | 'scan' | 'search' | 'count'> {
  const { collection, ready, fail } = context;
  return {
    async retrieve(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isPointId);
      if (valid.length === 0) return [];
      const withVectors = call?.withVectors ?? false;
      try {
        const records = await current.retrieve(collection, {
          ids: valid,
          with_payload: true,
          with_vector: withVectors,
        });
        return records.map((record) => toStoredPoint(record, withVectors));
      } catch (error) {
        throw fail(error, `read points from ${collection}`);
      }
    },

    async *scan(call) {
      const limit = Math.max(1, Math.min(call?.batchSize ?? 256, 10_000));
      const withVectors = call?.withVectors ?? false;
      let offset: string | number | null | undefined;
      for (;;) {
        const current = ready(call?.signal);
        let page: { points: QdrantPointRecord[]; next_page_offset?: unknown };
        try {
          page = await current.scroll(collection, {
            limit,
            with_payload: true,
            with_vector: withVectors,
            ...(offset === undefined ? {} : { offset }),
          });
        } catch (error) {
          throw fail(error, `scan ${collection}`);
        }
        if (page.points.length > 0)
          yield page.points.map((record) => toStoredPoint(record, withVectors));
        const next = page.next_page_offset;
        if (typeof next !== 'string' && typeof next !== 'number') return;
        offset = next;
      }
    },

    async search(vector, call) {
      const current = ready(call?.signal);
      assertSearchArgs(vector, call.k, context.dimensions(), `the collection ${collection}`);
      try {
        const result = await current.query(collection, {
          query: Array.from(vector),
          limit: call.k,
          with_payload: true,
          with_vector: false,
        });
        return result.points.map(
          (point): SearchHit => ({
            id: String(point.id),
            score: point.score,
            payload: toPointPayload(point.payload),
          }),
        );
      } catch (error) {
        throw fail(error, `search ${collection}`);
      }
    },

    async count(call) {
      const current = ready(call?.signal);
      try {
        return (await current.count(collection, { exact: true })).count;
      } catch (error) {
        throw fail(error, `count ${collection}`);
      }
    },
  };
}
