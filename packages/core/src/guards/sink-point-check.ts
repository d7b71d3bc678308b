import { InvalidInputError } from '../errors/errors.js';
import type { Point } from '../spec/sink-v1.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID, the form of every point id (see `pointId`). */
export function isPointId(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * Refuses a point no store can hold: an id that is not a UUID, a vector of another size
 * than the store's, a non-finite value. `holder` names the store, e.g. `the table docs`.
 */
export function assertStorablePoint(point: Point, dimensions: number, holder: string): void {
  if (!isPointId(point.id)) {
    throw new InvalidInputError(
      `Point id "${String(point.id).slice(0, 40)}" is not a UUID: derive point ids with pointId(source, key).`,
    );
  }
  const vector = point.vector;
  if (!vector || vector.length !== dimensions) {
    throw new InvalidInputError(
      `Point ${point.id} has a vector of ${vector?.length ?? 0} dimensions; ${holder} holds ${dimensions}: embed with the model it was created for.`,
    );
  }
  for (let index = 0; index < dimensions; index++) {
    if (!Number.isFinite(vector[index])) {
      throw new InvalidInputError(
        `Point ${point.id} has a non-finite value at dimension ${index}; vectors hold finite numbers only.`,
      );
    }
  }
}
