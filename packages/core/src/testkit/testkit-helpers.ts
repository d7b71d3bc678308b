import { DriftError } from '../errors/drift-error.js';
import { pointId } from '../identity/point-id.js';
import type { Point, PointPayload } from '../spec/sink-v1.js';

/** A deterministic unit vector (xorshift from `seed`). */
export function unitVector(dimensions: number, seed: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let state = (seed * 2654435761) >>> 0 || 1;
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const value = state / 4294967296 - 0.5;
    vector[index] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index++) vector[index]! *= scale;
  return vector;
}

/** The unit vector along one axis, optionally tilted toward the next axis. */
export function axisVector(dimensions: number, axis: number, tilt = 0): Float32Array {
  const vector = new Float32Array(dimensions);
  vector[axis % dimensions] = 1;
  if (tilt !== 0) vector[(axis + 1) % dimensions] = tilt;
  const norm = Math.sqrt(1 + tilt * tilt);
  for (let index = 0; index < dimensions; index++) vector[index]! /= norm;
  return vector;
}

/** A conformance point with a complete payload; the id is a real point id (a UUID). */
export function conformancePoint(
  key: string,
  vector: Float32Array,
  payload: Partial<PointPayload> = {},
): Point {
  return {
    id: pointId('conformance-source', key),
    vector,
    payload: {
      key,
      source: 'conformance-source',
      content: `text of ${key}`,
      content_hash: `${key.length.toString(16).padStart(2, '0')}${'0'.repeat(62)}`,
      model: 'conformance/model',
      run_id: 'conformance-run',
      metadata: { key },
      ...payload,
    },
  };
}

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** A short random token for unique names in one test run. */
export function randomToken(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** A predicate for `rejects.toSatisfy`: a DriftError with this code. */
export const hasCode = (code: string) => (error: unknown) => DriftError.hasCode(error, code);

/**
 * The DriftError a promise rejects with; fails when it resolves or rejects with anything
 * else. `T` names the subclass expected (e.g. `InputRejectedError`, to read `inputIndex`).
 */
export async function caughtDriftError<T extends Error = DriftError>(
  promise: Promise<unknown>,
): Promise<T> {
  try {
    await promise;
  } catch (error) {
    if (DriftError.isInstance(error)) return error as unknown as T;
    throw error;
  }
  throw new Error('expected the call to fail with a DriftError');
}
