import { describe, expect, it } from 'vitest';
import { normalizeInPlace, poolVectors } from './local-pooling.js';

// Two inputs, three token positions, two dims; the second input has one padding token.
const tokens = { data: [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 99, 99], dims: [2, 3, 2] };
const mask = { data: [1n, 1n, 1n, 1n, 1n, 0n], dims: [2, 3] };

describe('poolVectors', () => {
  it('means over the real tokens only', () => {
    const [a, b] = poolVectors(tokens, mask, 'mean', false);
    expect(Array.from(a!)).toEqual([3, 4]);
    expect(Array.from(b!)).toEqual([20, 30]);
  });

  it('takes the first token for cls pooling', () => {
    const [a, b] = poolVectors(tokens, mask, 'cls', false);
    expect(Array.from(a!)).toEqual([1, 2]);
    expect(Array.from(b!)).toEqual([10, 20]);
  });

  it('keeps an output that is pooled already, and normalises', () => {
    const [a] = poolVectors(
      { data: [3, 4], dims: [1, 2] },
      { data: [1], dims: [1, 1] },
      'none',
      true,
    );
    expect(Array.from(a!)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('refuses an output of the wrong shape for its pooling', () => {
    expect(() => poolVectors({ data: [1, 2], dims: [1, 2] }, mask, 'mean', true)).toThrow(
      /tokens, dims/,
    );
  });

  it('leaves a zero vector at zero', () => {
    const zero = new Float32Array(3);
    normalizeInPlace(zero);
    expect(Array.from(zero)).toEqual([0, 0, 0]);
  });
});
