import type { Adapter } from './adapter-types.js';
import { applyAdapter } from './apply-adapter.js';
import { overlapAtK } from './retrieval-metrics.js';
import { dot, topIndices, unitLength } from './vector-math.js';

export interface HeldOutScore {
  heldOutCosine: number;
  heldOutOverlapAt10?: number;
  heldOutFidelityAt10?: number;
  applyMicros: number;
}

/** Fewer held-out pairs than this make overlap@10 meaningless. */
const minimumForOverlap = 20;

function neighbours(query: Float32Array, pool: readonly Float32Array[], k: number): string[] {
  return topIndices(
    pool.map((vector) => dot(query, vector)),
    k,
  ).map(String);
}

/**
 * Scores an adapter on pairs it was not fitted on: the mean cosine of mapped B vectors
 * with their A vectors, and overlap@10 of each mapped query's neighbours among the A
 * vectors with the B vector's neighbours among the B vectors (what a search through
 * the adapter shares with a search after a full re-embed) and with the A vector's
 * neighbours among the A vectors (how faithfully it stands in for A). Also times
 * `applyAdapter`.
 */
export function heldOutScore(
  adapter: Adapter,
  source: readonly Float32Array[],
  target: readonly Float32Array[],
): HeldOutScore {
  applyAdapter(adapter, source[0]!); // decode once, outside the timing
  const started = performance.now();
  const mapped = source.map((vector) => applyAdapter(adapter, vector));
  const applyMicros = ((performance.now() - started) * 1000) / source.length;
  const targets = target.map(unitLength);
  const heldOutCosine =
    mapped.reduce((total, vector, index) => total + dot(vector, targets[index]!), 0) /
    mapped.length;
  if (source.length < minimumForOverlap) return { heldOutCosine, applyMicros };
  const sources = source.map(unitLength);
  let overlap = 0;
  let fidelity = 0;
  for (let index = 0; index < sources.length; index++) {
    const adapted = neighbours(mapped[index]!, targets, 10);
    overlap += overlapAtK(adapted, neighbours(sources[index]!, sources, 10), 10);
    fidelity += overlapAtK(adapted, neighbours(targets[index]!, targets, 10), 10);
  }
  return {
    heldOutCosine,
    heldOutOverlapAt10: overlap / sources.length,
    heldOutFidelityAt10: fidelity / sources.length,
    applyMicros,
  };
}
