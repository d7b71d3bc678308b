import { InvalidInputError } from '@drift-spark/core';
import type { Adapter, ProcrustesParameters } from './adapter-types.js';
import { decodeFloats } from './float-codec.js';
import { multiply, unitLength } from './vector-math.js';

/** An adapter decoded for speed: `y = x · first (· second) + bias (+ residual)`. */
interface CompiledAdapter {
  from: number;
  to: number;
  /** from × middle, where middle is `to` (one matrix) or the rank. */
  first: Float32Array;
  middle: number;
  /** middle × to, or undefined for a single matrix. */
  second: Float32Array | undefined;
  bias: Float32Array;
  residual: { hidden: number; w1: Float32Array; b1: Float32Array; w2: Float32Array } | undefined;
}

const compiled = new WeakMap<Adapter, CompiledAdapter>();

function decode(text: string, length: number): Float32Array {
  const values = decodeFloats(text, length);
  if (!values)
    throw new InvalidInputError(
      'Not a valid Drift adapter: a parameter has the wrong size. Fit the adapter again.',
    );
  return values;
}

/** Folds the means into one bias: targetMean − sourceMean · (map). */
function foldedBias(
  sourceMean: Float32Array,
  targetMean: Float32Array,
  map: (row: Float32Array) => Float32Array,
): Float32Array {
  const shifted = map(sourceMean);
  return targetMean.map((value, index) => value - shifted[index]!);
}

function compileProcrustes(base: ProcrustesParameters, from: number, to: number) {
  const first = decode(base.rotation, from * to).map((value) => value * base.scale);
  const sourceMean = decode(base.sourceMean, from);
  const bias = foldedBias(sourceMean, decode(base.targetMean, to), (row) =>
    multiply(row, first, from, to),
  );
  return { first, bias, sourceMean };
}

function compile(adapter: Adapter): CompiledAdapter {
  const from = adapter.fromDimensions;
  const to = adapter.toDimensions;
  if (adapter.family === 'low-rank-affine') {
    const first = decode(adapter.down, from * adapter.rank);
    const second = decode(adapter.up, adapter.rank * to);
    const map = (row: Float32Array) =>
      multiply(multiply(row, first, from, adapter.rank), second, adapter.rank, to);
    const bias = foldedBias(decode(adapter.sourceMean, from), decode(adapter.targetMean, to), map);
    return { from, to, first, middle: adapter.rank, second, bias, residual: undefined };
  }
  if (adapter.family === 'procrustes') {
    const { first, bias } = compileProcrustes(adapter, from, to);
    return { from, to, first, middle: to, second: undefined, bias, residual: undefined };
  }
  const { first, bias, sourceMean } = compileProcrustes(adapter.base, from, to);
  const hidden = adapter.hidden;
  const w1 = decode(adapter.w1, from * hidden);
  const shift = multiply(sourceMean, w1, from, hidden);
  const b1 = decode(adapter.b1, hidden).map((value, index) => value - shift[index]!);
  const b2 = decode(adapter.b2, to);
  const withB2 = bias.map((value, index) => value + b2[index]!);
  return {
    from,
    to,
    first,
    middle: to,
    second: undefined,
    bias: withB2,
    residual: { hidden, w1, b1, w2: decode(adapter.w2, hidden * to) },
  };
}

/**
 * Maps one vector of the adapter's `fromModel` into the space of its `toModel`. The
 * input is L2-normalised first; the output is L2-normalised.
 */
export function applyAdapter(adapter: Adapter, vector: Float32Array): Float32Array {
  let form = compiled.get(adapter);
  if (!form) {
    form = compile(adapter);
    compiled.set(adapter, form);
  }
  if (vector.length !== form.from) {
    throw new InvalidInputError(
      `The adapter maps ${adapter.fromModel} vectors of ${form.from} dimensions; this vector has ${vector.length}. Use the embedder the adapter was fitted for.`,
    );
  }
  const input = unitLength(vector);
  let out = multiply(input, form.first, form.from, form.middle);
  if (form.second) out = multiply(out, form.second, form.middle, form.to);
  for (let index = 0; index < form.to; index++) out[index]! += form.bias[index]!;
  if (form.residual) {
    const { hidden, w1, b1, w2 } = form.residual;
    const activation = multiply(input, w1, form.from, hidden);
    for (let index = 0; index < hidden; index++)
      activation[index] = Math.max(0, activation[index]! + b1[index]!);
    const extra = multiply(activation, w2, hidden, form.to);
    for (let index = 0; index < form.to; index++) out[index]! += extra[index]!;
  }
  return unitLength(out);
}
