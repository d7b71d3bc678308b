import { randomUUID } from 'node:crypto';
import type { PointPayload } from '../spec/sink-v1.js';

/** One stored point of the memory sink. */
export interface MemoryStoredPoint {
  vector: Float32Array;
  payload: PointPayload;
}

/**
 * Where a memory sink keeps its points. Two memory sinks given the same store see the
 * same points, like two clients of one collection; a sink without one gets its own.
 */
export interface MemorySinkStore {
  /** `memory://<uuid>`: the id of the sinks on this store unless they name another. */
  readonly id: string;
  dimensions: number | undefined;
  model: string | undefined;
  readonly points: Map<string, MemoryStoredPoint>;
}

export function createMemorySinkStore(options: { id?: string } = {}): MemorySinkStore {
  return {
    id: options.id ?? `memory://${randomUUID()}`,
    dimensions: undefined,
    model: undefined,
    points: new Map(),
  };
}
