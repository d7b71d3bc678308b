import { describe, expect, it } from 'vitest';
import { applyAdapter } from './apply-adapter.js';
import { fitAdapter } from './fit-adapter.js';
import { cosine, mapRows, randomVectors, seededRandom, semiOrthogonal } from './synthetic-pairs.js';

const models = { fromModel: 'test/model-b', toModel: 'test/model-a' };

/**
 * B's vectors are A's through a rotation into more (or fewer) dimensions plus an
 * offset orthogonal to the rotated subspace, so the true map is affine and known.
 */
function rotatedWithOffset(count: number, small: number, large: number, seed: number) {
  const random = seededRandom(seed);
  const rotation = semiOrthogonal(small, large, random); // orthonormal rows
  // An offset outside the rotated subspace keeps every image the same length.
  const draw = randomVectors(1, large, random)[0]!;
  const inside = mapRows(mapRows([draw], rotation.transpose()), rotation)[0]!;
  const free = draw.map((value, index) => value - inside[index]!);
  const offset = free.map((value) => (0.8 * value) / Math.hypot(...free));
  const smallVectors = randomVectors(count, small, random, 0.3);
  const largeVectors = mapRows(smallVectors, rotation).map((vector) =>
    vector.map((value, index) => value + offset[index]!),
  );
  return { small: smallVectors, large: largeVectors };
}

describe('Procrustes adapter', () => {
  it.each([
    { from: 'small', to: 'large' },
    { from: 'large', to: 'small' },
  ] as const)(
    'recovers a known rotation and offset from $from to $to dimensions',
    async ({ from, to }) => {
      const train = rotatedWithOffset(300, 16, 24, 7);
      const test = rotatedWithOffset(300, 16, 24, 7); // same map: same seed draws the same rotation
      const { adapter, candidates } = await fitAdapter(
        { source: train[from].slice(0, 200), target: train[to].slice(0, 200) },
        { ...models, families: ['procrustes'] },
      );
      expect(adapter.family).toBe('procrustes');
      expect(adapter.fromDimensions).toBe(from === 'small' ? 16 : 24);
      expect(adapter.toDimensions).toBe(to === 'small' ? 16 : 24);
      expect(candidates[0]!.heldOutCosine).toBeGreaterThan(0.9999);
      expect(candidates[0]!.heldOutOverlapAt10).toBe(1);
      // Vectors never seen by the fit land on their known image.
      for (let index = 200; index < 300; index++) {
        const mapped = applyAdapter(adapter, test[from][index]!);
        expect(cosine(mapped, test[to][index]!)).toBeGreaterThan(0.9999);
        expect(Math.hypot(...mapped)).toBeCloseTo(1, 5);
      }
    },
  );

  it('is the identity when both models give the same vectors (the control)', async () => {
    const vectors = randomVectors(200, 32, seededRandom(3), 0.2);
    const { adapter, candidates } = await fitAdapter(
      { source: vectors, target: vectors },
      { ...models, families: ['procrustes'] },
    );
    expect(candidates[0]!.heldOutCosine).toBeGreaterThan(0.9999);
    for (const vector of randomVectors(20, 32, seededRandom(4), 0.2)) {
      expect(cosine(applyAdapter(adapter, vector), vector)).toBeGreaterThan(0.9999);
    }
  });

  it('does no better than chance on unrelated vectors', async () => {
    const random = seededRandom(5);
    const { candidates } = await fitAdapter(
      { source: randomVectors(300, 32, random), target: randomVectors(300, 24, random) },
      { ...models, families: ['procrustes'] },
    );
    expect(candidates[0]!.heldOutOverlapAt10!).toBeLessThan(0.35);
    expect(candidates[0]!.heldOutCosine).toBeLessThan(0.3);
  });
});
