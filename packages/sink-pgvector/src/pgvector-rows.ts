import { InvalidInputError, type StoredPoint } from '@drift-spark/core';
import { toPointPayload } from '@drift-spark/core/internal';

/** The payload columns as `retrieve`, `scan` and `search` select them. */
export const SELECT_PAYLOAD =
  'id::text as id, key, source, content, content_hash, model, metadata, run_id';

/** The columns `retrieve` and `scan` select: the payload, and the vector when asked for. */
export function selectColumns(withVectors: boolean | undefined): string {
  return withVectors ? `${SELECT_PAYLOAD}, embedding::text as embedding` : SELECT_PAYLOAD;
}

/** A row of the Drift table as the drivers return it. */
export interface Row {
  id: string;
  key: string;
  source: string;
  content: string | null;
  content_hash: string;
  model: string;
  metadata: Record<string, unknown> | string | null;
  run_id: string | null;
  embedding?: string;
  distance?: number | string;
}

export function toStoredPoint(row: Row, withVectors: boolean): StoredPoint {
  const point: StoredPoint = { id: row.id, payload: toPointPayload(row) };
  if (withVectors && row.embedding !== undefined) point.vector = parseVector(row.embedding);
  return point;
}

/** pgvector's text form: `[1,2,3]`. */
export function parseVector(text: string): Float32Array {
  const body = text.slice(1, -1);
  if (body.length === 0) return new Float32Array(0);
  const parts = body.split(',');
  const vector = new Float32Array(parts.length);
  for (let index = 0; index < parts.length; index++) vector[index] = Number(parts[index]);
  return vector;
}

export function vectorLiteral(vector: ArrayLike<number>): string {
  let text = '[';
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index] as number;
    if (!Number.isFinite(value))
      throw new InvalidInputError(`The query vector has a non-finite value at dimension ${index}.`);
    text += index === 0 ? String(value) : `,${value}`;
  }
  return `${text}]`;
}

/** A uuid[] literal from validated UUIDs (no quoting needed: only hex digits and dashes). */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}
