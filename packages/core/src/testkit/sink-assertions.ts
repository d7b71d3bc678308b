import { expect } from 'vitest';
import type { Point, Sink, StoredPoint } from '../spec/sink-v1.js';
import { collect } from './testkit-helpers.js';

/** A Float32Array of the expected length and values (to 5 decimals: stores may round). */
export function expectVector(actual: unknown, expected: ArrayLike<number>, label = 'vector'): void {
  expect(actual, label).toBeInstanceOf(Float32Array);
  const vector = actual as Float32Array;
  expect(vector, label).toHaveLength(expected.length);
  let worst = 0;
  for (let index = 0; index < expected.length; index++)
    worst = Math.max(worst, Math.abs(vector[index]! - expected[index]!));
  expect(worst, `${label}: largest difference from what was written`).toBeLessThan(5e-6);
}

/** Reads `points` back by id, with vectors: each is there, with its exact payload and vector. */
export async function expectStored(sink: Sink, points: Point[]): Promise<StoredPoint[]> {
  const read = await sink.retrieve(
    points.map((point) => point.id),
    { withVectors: true },
  );
  const byId = new Map(read.map((point) => [point.id, point]));
  expect(byId.size, 'points read back').toBe(points.length);
  for (const point of points) {
    const found = byId.get(point.id);
    expect(found, `point ${point.payload.key}`).toBeDefined();
    expect(found!.payload, `payload of ${point.payload.key}`).toEqual(point.payload);
    expectVector(found!.vector, point.vector, `vector of ${point.payload.key}`);
  }
  return read;
}

/** Every stored point, read with a scan. */
export async function scanAll(sink: Sink, withVectors = false): Promise<StoredPoint[]> {
  return (await collect(sink.scan({ batchSize: 500, withVectors }))).flat();
}

/** The sorted ids of some points. */
export function idsOf(points: { id: string }[]): string[] {
  return points.map((point) => point.id).sort();
}

/** Writes `points` in calls of at most the sink's `maxPointsPerWrite`, as the engine does. */
export async function upsertInWrites(sink: Sink, points: Point[]): Promise<void> {
  const most = sink.capabilities?.maxPointsPerWrite ?? points.length;
  for (let start = 0; start < points.length; start += most) {
    await sink.upsert(points.slice(start, start + most));
  }
}

/** A deep copy of points, to compare with after the caller's objects were changed. */
export function copyPoints(points: Point[]): Point[] {
  return points.map((point) => ({
    id: point.id,
    vector: new Float32Array(point.vector),
    payload: structuredClone(point.payload),
  }));
}

/** Scribbles over a point's vector and payload, as a caller reusing its buffers would. */
export function scribble(point: { vector?: Float32Array; payload: Point['payload'] }): void {
  point.vector?.fill(0.5);
  point.payload.content = 'scribbled';
  point.payload.key = 'scribbled';
  if (point.payload.metadata) point.payload.metadata.key = 'scribbled';
}
