/** The kinds of map an adapter can be, simplest first. */
export type AdapterFamily = 'procrustes' | 'low-rank-affine' | 'residual-mlp';

export const adapterFamilies: readonly AdapterFamily[] = [
  'procrustes',
  'low-rank-affine',
  'residual-mlp',
];

/** What the fit measured, stored in the file so a reader can judge the adapter. */
export interface AdapterFitSummary {
  /** Paired embeddings the final parameters were fitted on. */
  pairs: number;
  /** Pairs held out to choose the family (the scores below come from them). */
  heldOutPairs: number;
  heldOutCosine: number;
  heldOutOverlapAt10?: number;
  heldOutFidelityAt10?: number;
}

/**
 * Every adapter file starts with this header. The adapter maps vectors of the new
 * model (`fromModel`, the one queries are embedded with) into the space of the old
 * model (`toModel`, the one the index was built with). Inputs are L2-normalised
 * first and outputs are L2-normalised.
 *
 * Float arrays are base64 of little-endian float32; matrices are row-major with one
 * row per input dimension.
 */
export interface AdapterHeader {
  format: 'drift-adapter';
  version: 1;
  family: AdapterFamily;
  fromModel: string;
  toModel: string;
  fromDimensions: number;
  toDimensions: number;
  fit?: AdapterFitSummary;
}

/** `y = targetMean + scale · (x − sourceMean) · rotation`, rotation semi-orthogonal. */
export interface ProcrustesParameters {
  sourceMean: string;
  targetMean: string;
  scale: number;
  /** fromDimensions × toDimensions. */
  rotation: string;
}

export interface ProcrustesAdapter extends AdapterHeader, ProcrustesParameters {
  family: 'procrustes';
}

/** `y = targetMean + (x − sourceMean) · down · up`, a ridge regression cut to `rank`. */
export interface LowRankAffineAdapter extends AdapterHeader {
  family: 'low-rank-affine';
  rank: number;
  /** The ridge penalty used, relative to the mean variance of the inputs. */
  ridge: number;
  sourceMean: string;
  targetMean: string;
  /** fromDimensions × rank. */
  down: string;
  /** rank × toDimensions. */
  up: string;
}

/** The Procrustes map plus `relu((x − sourceMean) · w1 + b1) · w2 + b2`. */
export interface ResidualMlpAdapter extends AdapterHeader {
  family: 'residual-mlp';
  base: ProcrustesParameters;
  hidden: number;
  /** fromDimensions × hidden. */
  w1: string;
  b1: string;
  /** hidden × toDimensions. */
  w2: string;
  b2: string;
}

export type Adapter = ProcrustesAdapter | LowRankAffineAdapter | ResidualMlpAdapter;

/** Paired embeddings of the same texts: `source` by the new model B, `target` by the old model A. */
export interface AdapterPairs {
  source: Float32Array[];
  target: Float32Array[];
}

export interface FitAdapterOptions {
  /** Families to try; default all three. */
  families?: AdapterFamily[];
  /** Share of the pairs held out to score the families; default 0.2. */
  heldOut?: number;
  /** Seed of the split and of the MLP's initialisation; default 1. */
  seed?: number;
  /** Rank of the low-rank affine map; default min(128, both dimensions). */
  rank?: number;
  /** The new model B (whose vectors are the input). */
  fromModel: string;
  /** The old model A (whose space the output is in). */
  toModel: string;
  /** Ridge penalty of the low-rank affine map, relative to the mean input variance; default 0.1. */
  ridge?: number;
  /** Hidden units of the residual MLP; default 128. */
  hidden?: number;
  /** Time budget of the MLP's training in milliseconds; default 30 000. */
  mlpTimeBudgetMs?: number;
  /** Refit the chosen family on all pairs (train + held out); default true. */
  refitOnAll?: boolean;
}

export interface AdapterCandidate {
  family: AdapterFamily;
  /** Mean cosine between mapped held-out B vectors and their A vectors. */
  heldOutCosine: number;
  /**
   * Mean overlap@10, over held-out queries, of the adapter's top 10 among the held-out
   * A vectors with B's own top 10 among the held-out B vectors (the label-free proxy
   * of how close the adapter path comes to a full re-embed). Needs ≥ 20 held-out pairs.
   */
  heldOutOverlapAt10?: number;
  /**
   * Mean overlap@10 of the adapter's top 10 among the held-out A vectors with A's own
   * top 10 (the A vector of the same text as the query): how faithfully the adapter
   * stands in for A. The family is chosen by this score (by cosine with < 20 held-out
   * pairs): it is what a map into A's space can control, while the overlap with B is
   * also bounded by how much A and B agree.
   */
  heldOutFidelityAt10?: number;
  fitMs: number;
  /** Mean time to map one query vector, in microseconds. */
  applyMicros: number;
}

export interface AdapterFit {
  adapter: Adapter;
  /** One per family tried, in the order tried; the adapter is the best of them. */
  candidates: AdapterCandidate[];
}
