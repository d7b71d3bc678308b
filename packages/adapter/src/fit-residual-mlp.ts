import { AbortedError } from '@drift-spark/core';
import { AdamStep } from './adam-step.js';
import type { ProcrustesParameters } from './adapter-types.js';
import { fitProcrustesMap, procrustesParameters } from './fit-procrustes.js';
import { encodeFloats } from './float-codec.js';
import { type PairedMatrices, rowMajor } from './paired-matrices.js';
import { gaussian, seededRandom, shuffledIndices } from './seeded-random.js';

export interface ResidualMlpOptions {
  hidden: number;
  seed: number;
  timeBudgetMs: number;
  signal?: AbortSignal;
}

export interface ResidualMlpParameters {
  base: ProcrustesParameters;
  hidden: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

const learningRate = 3e-3;
const weightDecay = 1e-4;
const batchSize = 16;
const maxEpochs = 200;
const patience = 10;
/** Early epochs are noisy (W2 leaves zero); never stop before this. */
const minimumEpochs = 20;

/** Per-sample inputs, flat: centred source, Procrustes output (before normalising), unit target. */
interface Samples {
  count: number;
  input: Float32Array;
  base: Float32Array;
  target: Float32Array;
}

function samples(pairs: PairedMatrices, rotation: Float32Array, scale: number): Samples {
  const { count, from, to } = pairs;
  const input = rowMajor(pairs.source);
  const target = rowMajor(pairs.target);
  const base = new Float32Array(count * to);
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < to; column++) {
      target[row * to + column]! += pairs.targetMean[column]!;
      base[row * to + column] = pairs.targetMean[column]!;
    }
    let norm = 0;
    for (let column = 0; column < to; column++) norm += target[row * to + column]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let column = 0; column < to; column++) target[row * to + column]! /= norm;
    for (let index = 0; index < from; index++) {
      const value = input[row * from + index]! * scale;
      for (let column = 0; column < to; column++) {
        base[row * to + column]! += value * rotation[index * to + column]!;
      }
    }
  }
  return { count, input, base, target };
}

/**
 * A small residual MLP on top of the Procrustes map, `y = P(x) + relu(x W1 + b1) W2 + b2`,
 * trained on the squared error to the unit targets with Adam in typed arrays. W2 starts at zero, so training
 * starts from Procrustes; a tenth of the pairs (seeded) stops it early, and the best
 * epoch's weights are kept. Bounded by `timeBudgetMs`.
 */
export function fitResidualMlp(
  pairs: PairedMatrices,
  options: ResidualMlpOptions,
): ResidualMlpParameters {
  const { from, to } = pairs;
  const hidden = options.hidden;
  const map = fitProcrustesMap(pairs);
  const data = samples(pairs, rowMajor(map.rotation), map.scale);
  const random = seededRandom(options.seed);
  const order = shuffledIndices(data.count, random);
  const validationCount = Math.max(1, Math.floor(data.count / 10));
  const validation = order.slice(0, validationCount);
  const training = order.slice(validationCount);

  let meanSquare = 0;
  for (const value of data.input) meanSquare += value * value;
  const initScale = 1 / Math.sqrt(meanSquare / data.count || 1);
  const model = {
    w1: new Float32Array(from * hidden).map(() => gaussian(random) * initScale),
    b1: new Float32Array(hidden),
    w2: new Float32Array(hidden * to),
    b2: new Float32Array(to),
  };
  const gradients = {
    w1: new Float32Array(from * hidden),
    b1: new Float32Array(hidden),
    w2: new Float32Array(hidden * to),
    b2: new Float32Array(to),
  };
  const steps = {
    w1: new AdamStep(from * hidden),
    b1: new AdamStep(hidden),
    w2: new AdamStep(hidden * to),
    b2: new AdamStep(to),
  };
  const activation = new Float32Array(hidden);
  const output = new Float32Array(to);
  const outputGradient = new Float32Array(to);
  const hiddenGradient = new Float32Array(hidden);

  /** Forward pass for one sample: returns its cosine with the target, sets `activation` and the loss gradient. */
  const forward = (sample: number): number => {
    const input = data.input.subarray(sample * from, (sample + 1) * from);
    activation.set(model.b1);
    for (let index = 0; index < from; index++) {
      const value = input[index]!;
      const offset = index * hidden;
      for (let unit = 0; unit < hidden; unit++)
        activation[unit]! += value * model.w1[offset + unit]!;
    }
    for (let unit = 0; unit < hidden; unit++) activation[unit] = Math.max(0, activation[unit]!);
    output.set(data.base.subarray(sample * to, (sample + 1) * to));
    for (let column = 0; column < to; column++) output[column]! += model.b2[column]!;
    for (let unit = 0; unit < hidden; unit++) {
      const value = activation[unit]!;
      if (value === 0) continue;
      const offset = unit * to;
      for (let column = 0; column < to; column++)
        output[column]! += value * model.w2[offset + column]!;
    }
    let norm = 0;
    let product = 0;
    const target = data.target.subarray(sample * to, (sample + 1) * to);
    for (let column = 0; column < to; column++) {
      norm += output[column]! ** 2;
      product += output[column]! * target[column]!;
    }
    norm = Math.sqrt(norm) || 1;
    const cosine = product / norm;
    // Squared error against the unit target: smoother than the cosine, and the same optimum.
    for (let column = 0; column < to; column++) {
      outputGradient[column] = output[column]! - target[column]!;
    }
    return cosine;
  };

  const backward = (sample: number) => {
    const input = data.input.subarray(sample * from, (sample + 1) * from);
    for (let column = 0; column < to; column++) gradients.b2[column]! += outputGradient[column]!;
    for (let unit = 0; unit < hidden; unit++) {
      const offset = unit * to;
      let total = 0;
      const value = activation[unit]!;
      for (let column = 0; column < to; column++) {
        total += outputGradient[column]! * model.w2[offset + column]!;
        if (value !== 0) gradients.w2[offset + column]! += value * outputGradient[column]!;
      }
      hiddenGradient[unit] = value > 0 ? total : 0;
      gradients.b1[unit]! += hiddenGradient[unit]!;
    }
    for (let index = 0; index < from; index++) {
      const value = input[index]!;
      const offset = index * hidden;
      for (let unit = 0; unit < hidden; unit++)
        gradients.w1[offset + unit]! += value * hiddenGradient[unit]!;
    }
  };

  const validationScore = () =>
    validation.reduce((total, sample) => total + forward(sample), 0) / validation.length;
  let best = { score: validationScore(), weights: structuredClone(model) };
  let sinceBest = 0;
  const started = performance.now();
  for (
    let epoch = 0;
    epoch < maxEpochs && (epoch < minimumEpochs || sinceBest < patience);
    epoch++
  ) {
    if (options.signal?.aborted) throw new AbortedError('The adapter fit was aborted.');
    if (performance.now() - started > options.timeBudgetMs) break;
    const epochOrder = shuffledIndices(training.length, random).map((index) => training[index]!);
    for (let start = 0; start < epochOrder.length; start += batchSize) {
      const batch = epochOrder.slice(start, start + batchSize);
      for (const gradient of Object.values(gradients)) gradient.fill(0);
      for (const sample of batch) {
        forward(sample);
        backward(sample);
      }
      for (const name of ['w1', 'b1', 'w2', 'b2'] as const) {
        const decay = name === 'w1' || name === 'w2' ? weightDecay : 0;
        steps[name].apply(model[name], gradients[name], batch.length, learningRate, decay);
      }
    }
    const score = validationScore();
    if (score > best.score + 1e-5) {
      best = { score, weights: structuredClone(model) };
      sinceBest = 0;
    } else sinceBest++;
  }
  return { base: procrustesParameters(pairs, map), hidden, ...best.weights };
}

export function encodeResidualMlp(parameters: ResidualMlpParameters) {
  return {
    base: parameters.base,
    hidden: parameters.hidden,
    w1: encodeFloats(parameters.w1),
    b1: encodeFloats(parameters.b1),
    w2: encodeFloats(parameters.w2),
    b2: encodeFloats(parameters.b2),
  };
}
