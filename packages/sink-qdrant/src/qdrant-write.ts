import { AbortedError, type Point, type SinkV1 } from '@drift-spark/core';
import { isPointId } from '@drift-spark/core/internal';
import type { QdrantContext } from './qdrant-context.js';
import { toQdrantPoint } from './qdrant-points.js';

/** Ids per delete request. */
const DELETE_CHUNK = 1000;

/**
 * The write side of the Qdrant sink: upserts in requests of `batchSize` points, at most
 * `parallelRequests` in flight; deletes in chunks.
 */
export function qdrantWriter(
  context: QdrantContext & { storeContent: boolean; batchSize: number; parallelRequests: number },
): Pick<SinkV1, 'upsert' | 'delete'> {
  const { collection, ready, fail, storeContent, batchSize, parallelRequests } = context;
  return {
    async upsert(points, call) {
      const current = ready(call?.signal);
      if (points.length === 0) return;
      const unique = new Map<string, Point>();
      for (const point of points) unique.set(String(point.id).toLowerCase(), point);
      const dimensions = context.dimensions();
      const encoded = [...unique.values()].map((point) =>
        toQdrantPoint(point, dimensions, storeContent),
      );
      const batches: (typeof encoded)[] = [];
      for (let start = 0; start < encoded.length; start += batchSize)
        batches.push(encoded.slice(start, start + batchSize));
      // `wait: true`: Qdrant answers only once the points are applied (in its WAL and in the
      // segments that searches read). With `wait: false` it answers on receipt, before the
      // update is applied, and a crash or a rejected point after the answer would leave the
      // ledger recording a point the sink does not have. The engine records a point in the
      // ledger as soon as upsert resolves, so upsert must resolve only when the point is
      // durable and searchable. Throughput comes from a few batches in flight instead.
      try {
        await runLimited(batches, parallelRequests, async (batch) => {
          if (call?.signal?.aborted)
            throw new AbortedError(undefined, { cause: call.signal.reason });
          await current.upsert(collection, { wait: true, points: batch });
        });
      } catch (error) {
        throw fail(error, `write ${encoded.length} points to ${collection}`);
      }
    },

    async delete(ids, call) {
      const current = ready(call?.signal);
      const valid = ids.filter(isPointId);
      if (valid.length === 0) return;
      try {
        // wait: true for the same reason as upsert: the ledger forgets a point only once it is gone.
        for (let start = 0; start < valid.length; start += DELETE_CHUNK) {
          await current.delete(collection, {
            wait: true,
            points: valid.slice(start, start + DELETE_CHUNK),
          });
        }
      } catch (error) {
        throw fail(error, `delete ${valid.length} points from ${collection}`);
      }
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure stops new work and is thrown. */
async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
