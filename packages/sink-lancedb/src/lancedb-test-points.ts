import type { Point } from '@drift-spark/core';
import { conformancePoint, unitVector } from '@drift-spark/core/testkit';

/** The small points the sink's own tests write: 16-d unit vectors, ids from `row-<n>`. */
export const dimensions = 16;
export const model = 'test/model';
export const open = { dimensions, distance: 'cosine' as const, model };

export const points = (count: number, from = 0, seed = 1): Point[] =>
  Array.from({ length: count }, (_, index) =>
    conformancePoint(`row-${from + index}`, unitVector(dimensions, (from + index) * 7 + seed), {
      model,
    }),
  );
