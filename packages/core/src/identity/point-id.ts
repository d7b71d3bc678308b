import { v5 as uuidv5 } from 'uuid';

/** Drift's fixed UUIDv5 namespace. Never change it: every stored point id derives from it. */
export const DRIFT_NAMESPACE = '6f1e7a52-3c1b-5d0e-9a4f-2b8c7d9e0f11';

/**
 * The point id of a row: UUIDv5(Drift namespace, source id + NUL + canonical key).
 * Stable per row, so an update overwrites the same point and a delete removes exactly it;
 * two rows with the same text stay two points.
 */
export function pointId(sourceId: string, key: string): string {
  return uuidv5(`${sourceId}\u0000${key}`, DRIFT_NAMESPACE);
}
