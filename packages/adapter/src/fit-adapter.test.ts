import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import type { AdapterFamily } from './adapter-types.js';
import { fitAdapter } from './fit-adapter.js';
import { gaussian } from './seeded-random.js';
import { mapRows, randomVectors, seededRandom, semiOrthogonal } from './synthetic-pairs.js';
import { unitLength } from './vector-math.js';

const models = { fromModel: 'test/model-b', toModel: 'test/model-a' };

function pairsFor(kind: 'orthogonal' | 'anisotropic' | 'nonlinear', seed: number) {
  const random = seededRandom(seed);
  const source = randomVectors(600, 24, random, 0.1);
  const rotated = mapRows(source, semiOrthogonal(24, 32, random));
  if (kind === 'orthogonal') {
    // A rotation into 32 dimensions, plus a little noise: nothing to gain beyond Procrustes.
    return {
      source,
      target: rotated.map((vector) =>
        unitLength(vector.map((value) => value + 0.01 * gaussian(random))),
      ),
    };
  }
  if (kind === 'anisotropic') {
    // A rank-6 map that stretches some directions 25x more than others: no rotation fits it.
    const stretch = Matrix.diag([10, 6, 3, 1.5, 0.8, 0.4]);
    const map = semiOrthogonal(24, 6, random)
      .mmul(stretch)
      .mmul(semiOrthogonal(6, 32, random));
    return { source, target: mapRows(source, map).map(unitLength) };
  }
  // The rotation plus |x · u| along four directions: even functions, invisible to a linear map.
  const bends = mapRows(source, semiOrthogonal(24, 4, random).mul(Math.sqrt(24)));
  const extra = mapRows(
    bends.map((vector) => vector.map(Math.abs)),
    semiOrthogonal(4, 32, random).mul(0.3),
  );
  return {
    source,
    target: rotated.map((vector, row) =>
      unitLength(vector.map((value, index) => value + extra[row]![index]!)),
    ),
  };
}

describe('fitAdapter', () => {
  it.each([
    ['orthogonal', 'procrustes'],
    ['anisotropic', 'low-rank-affine'],
    ['nonlinear', 'residual-mlp'],
  ] as const)(
    'picks the family that fits %s pairs best on held-out pairs: %s',
    async (kind, family) => {
      const { adapter, candidates } = await fitAdapter(pairsFor(kind, 11), {
        ...models,
        rank: 8,
        hidden: 64,
        seed: 2,
      });
      expect(candidates.map((candidate) => candidate.family)).toEqual<AdapterFamily[]>([
        'procrustes',
        'low-rank-affine',
        'residual-mlp',
      ]);
      expect(adapter.family).toBe(family);
      expect(adapter.fit).toMatchObject({ pairs: 600, heldOutPairs: 120 });
    },
  );
});
