import type { Point, StoredPoint } from '@drift-spark/core';
import { assertStorablePoint, toPointPayload } from '@drift-spark/core/internal';
import type { QdrantPointRecord } from './qdrant-client-subset.js';

/** A point as Qdrant takes it: a lower-case UUID, the vector as an array (a copy), the payload. */
export function toQdrantPoint(point: Point, dimensions: number, storeContent: boolean) {
  assertStorablePoint(point, dimensions, 'the collection');
  const payload = point.payload;
  return {
    id: point.id.toLowerCase(),
    vector: Array.from(point.vector),
    payload: {
      key: payload.key,
      source: payload.source,
      content: storeContent ? (payload.content ?? null) : null,
      content_hash: payload.content_hash,
      model: payload.model,
      run_id: payload.run_id ?? null,
      metadata: payload.metadata ?? null,
    },
  };
}

export function toStoredPoint(record: QdrantPointRecord, withVectors: boolean): StoredPoint {
  const point: StoredPoint = { id: String(record.id), payload: toPointPayload(record.payload) };
  if (withVectors && Array.isArray(record.vector))
    point.vector = Float32Array.from(record.vector as number[]);
  return point;
}
