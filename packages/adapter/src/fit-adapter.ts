import { AbortedError, InvalidInputError } from '@drift-spark/core';
import {
  type Adapter,
  type AdapterCandidate,
  type AdapterFit,
  type AdapterPairs,
  adapterFamilies,
  type FitAdapterOptions,
} from './adapter-types.js';
import { fitFamily } from './fit-family.js';
import { heldOutScore } from './held-out-score.js';
import { pairedMatrices } from './paired-matrices.js';
import { seededRandom, shuffledIndices } from './seeded-random.js';

/** A later (more complex) family must beat the incumbent by this much to be chosen. */
const preferSimplerMargin = 0.005;
const minimumPairs = 10;

function checkPairs(pairs: AdapterPairs): void {
  const { source, target } = pairs;
  if (source.length !== target.length) {
    throw new InvalidInputError(
      `An adapter needs the same texts embedded by both models: got ${source.length} source and ${target.length} target vectors.`,
    );
  }
  if (source.length < minimumPairs) {
    throw new InvalidInputError(
      `An adapter needs at least ${minimumPairs} paired embeddings; got ${source.length}.`,
    );
  }
  for (const [name, vectors] of [
    ['source', source],
    ['target', target],
  ] as const) {
    const dimensions = vectors[0]!.length;
    const bad = vectors.findIndex(
      (vector) => vector.length !== dimensions || !vector.every(Number.isFinite),
    );
    if (dimensions === 0 || bad >= 0) {
      throw new InvalidInputError(
        `The ${name} vectors must all have the same non-zero dimension and finite values (vector ${Math.max(bad, 0)} does not).`,
      );
    }
  }
}

/** The score that picks the family: fidelity@10 when there are enough held-out pairs, else cosine. */
function selectionScore(candidate: AdapterCandidate): number {
  return candidate.heldOutFidelityAt10 ?? candidate.heldOutCosine;
}

/** Lets a progress display draw between the heavy steps. */
const breath = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Fits a map from the new model's space (`pairs.source`, model B) into the old model's
 * space (`pairs.target`, model A): each family is fitted on a seeded share of the pairs
 * and scored on the rest; the best (a more complex family must win by a margin) is
 * refitted on all pairs unless `refitOnAll` is false.
 */
export async function fitAdapter(
  pairs: AdapterPairs,
  options: FitAdapterOptions & { signal?: AbortSignal },
): Promise<AdapterFit> {
  checkPairs(pairs);
  const families = options.families ?? [...adapterFamilies];
  const share = options.heldOut ?? 0.2;
  if (families.length === 0 || families.some((family) => !adapterFamilies.includes(family))) {
    throw new InvalidInputError(`Adapter families must be among ${adapterFamilies.join(', ')}.`);
  }
  if (!(share > 0 && share < 1)) {
    throw new InvalidInputError(
      `The held-out share must be between 0 and 1 (exclusive); got ${share}.`,
    );
  }
  const total = pairs.source.length;
  const heldOutCount = Math.min(total - 2, Math.max(1, Math.round(total * share)));
  const seed = options.seed ?? 1;
  const order = shuffledIndices(total, seededRandom(seed));
  const pick = (indices: number[], vectors: Float32Array[]) =>
    indices.map((index) => vectors[index]!);
  const heldOut = order.slice(0, heldOutCount);
  const training = order.slice(heldOutCount);
  const header = {
    format: 'drift-adapter' as const,
    version: 1 as const,
    fromModel: options.fromModel,
    toModel: options.toModel,
    fromDimensions: pairs.source[0]!.length,
    toDimensions: pairs.target[0]!.length,
  };
  const settings = {
    rank: options.rank ?? Math.min(128, header.fromDimensions, header.toDimensions),
    ridge: options.ridge ?? 0.1,
    hidden: options.hidden ?? 128,
    seed,
    mlpTimeBudgetMs: options.mlpTimeBudgetMs ?? 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const trainingMatrices = pairedMatrices(
    pick(training, pairs.source),
    pick(training, pairs.target),
  );
  const heldOutSource = pick(heldOut, pairs.source);
  const heldOutTarget = pick(heldOut, pairs.target);

  const candidates: AdapterCandidate[] = [];
  let best: { adapter: Adapter; candidate: AdapterCandidate } | undefined;
  for (const family of families) {
    if (options.signal?.aborted) throw new AbortedError('The adapter fit was aborted.');
    await breath();
    const started = performance.now();
    const adapter = fitFamily(family, trainingMatrices, header, settings);
    const fitMs = Math.round(performance.now() - started);
    const candidate = { family, fitMs, ...heldOutScore(adapter, heldOutSource, heldOutTarget) };
    candidates.push(candidate);
    if (!best || selectionScore(candidate) > selectionScore(best.candidate) + preferSimplerMargin) {
      best = { adapter, candidate };
    }
  }
  const chosen = best!;
  let adapter = chosen.adapter;
  if (options.refitOnAll ?? true) {
    await breath();
    adapter = fitFamily(
      chosen.candidate.family,
      pairedMatrices(pairs.source, pairs.target),
      header,
      settings,
    );
  }
  const { heldOutCosine, heldOutOverlapAt10, heldOutFidelityAt10 } = chosen.candidate;
  adapter.fit = {
    pairs: (options.refitOnAll ?? true) ? total : training.length,
    heldOutPairs: heldOut.length,
    heldOutCosine,
    ...(heldOutOverlapAt10 === undefined ? {} : { heldOutOverlapAt10 }),
    ...(heldOutFidelityAt10 === undefined ? {} : { heldOutFidelityAt10 }),
  };
  return { adapter, candidates };
}
