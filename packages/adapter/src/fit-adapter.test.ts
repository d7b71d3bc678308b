import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { adapterHash } from './adapter-file.js';
import type { AdapterFamily } from './adapter-types.js';
import { fitAdapter, selectFamily } from './fit-adapter.js';
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

describe('selectFamily', () => {
  const candidate = (family: AdapterFamily, fidelity: number | undefined, cosine = 0.5) => ({
    family,
    heldOutCosine: cosine,
    ...(fidelity === undefined ? {} : { heldOutFidelityAt10: fidelity }),
    fitMs: 1,
    applyMicros: 1,
  });

  it('keeps the simpler family unless a later one wins by the margin', () => {
    expect(selectFamily([candidate('procrustes', 0.5), candidate('residual-mlp', 0.504)])).toBe(
      'procrustes',
    );
    expect(selectFamily([candidate('procrustes', 0.5), candidate('residual-mlp', 0.51)])).toBe(
      'residual-mlp',
    );
    expect(selectFamily([candidate('low-rank-affine', 0.7), candidate('procrustes', 0.6)])).toBe(
      'low-rank-affine',
    );
  });

  it('falls back to the cosine when there were too few held-out pairs for fidelity', () => {
    expect(
      selectFamily([
        candidate('procrustes', undefined, 0.8),
        candidate('low-rank-affine', undefined, 0.9),
      ]),
    ).toBe('low-rank-affine');
  });
});

describe('fitAdapter inputs', () => {
  it('is reproducible: the same pairs and seed give the same adapter file', async () => {
    const pairs = pairsFor('nonlinear', 5);
    const small = { source: pairs.source.slice(0, 100), target: pairs.target.slice(0, 100) };
    const options = { ...models, families: ['residual-mlp' as const], hidden: 8, seed: 4 };
    const first = await fitAdapter(small, options);
    const second = await fitAdapter(small, options);
    expect(adapterHash(second.adapter)).toBe(adapterHash(first.adapter));
    const other = await fitAdapter(small, { ...options, seed: 5 });
    expect(adapterHash(other.adapter)).not.toBe(adapterHash(first.adapter));
  });

  it('refuses pairs it cannot fit, with one clear line', async () => {
    const { source, target } = pairsFor('orthogonal', 6);
    await expect(fitAdapter({ source, target: target.slice(1) }, models)).rejects.toThrow(
      /same texts embedded by both models: got 600 source and 599 target/,
    );
    await expect(
      fitAdapter({ source: source.slice(0, 5), target: target.slice(0, 5) }, models),
    ).rejects.toThrow(/at least 10 paired embeddings; got 5/);
    const ragged = [...source.slice(0, 19), new Float32Array(7)];
    await expect(
      fitAdapter({ source: ragged, target: target.slice(0, 20) }, models),
    ).rejects.toThrow(/source vectors must all have the same non-zero dimension .*vector 19/);
    await expect(fitAdapter({ source, target }, { ...models, heldOut: 1 })).rejects.toThrow(
      /held-out share/,
    );
  });
});
