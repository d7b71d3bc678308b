import { ndcgAtK, overlapAtK, recallAtK } from './retrieval-metrics.js';

/** Returns the keys of the top results for a query, best first. */
export type SearchFunction<Query> = (
  query: Query,
  k: number,
) => Promise<readonly string[]> | readonly string[];

export interface EvaluationQuery<Query> {
  query: Query;
  /** Keys of the relevant results, when labels are known. */
  relevant?: ReadonlySet<string> | readonly string[];
}

export interface EvaluateQueriesOptions<Query> {
  queries: readonly EvaluationQuery<Query>[];
  /** The search under test, e.g. the old index queried through the adapter. */
  search: SearchFunction<Query>;
  /** The search to compare with for overlap@k, e.g. the new model on its own index. */
  reference?: SearchFunction<Query>;
  /** Default 10. */
  k?: number;
  signal?: AbortSignal;
}

export interface QueryEvaluation {
  k: number;
  queries: number;
  /** Queries that carried labels (recall and nDCG are averaged over these). */
  labelled: number;
  recallAtK?: number;
  ndcgAtK?: number;
  /** Mean overlap@k with the reference search, when one was given. */
  overlapAtK?: number;
}

const mean = (values: number[]) =>
  values.reduce((total, value) => total + value, 0) / values.length;

/** Runs every query through `search` (and `reference`) and averages the metrics. */
export async function evaluateQueries<Query>(
  options: EvaluateQueriesOptions<Query>,
): Promise<QueryEvaluation> {
  const k = options.k ?? 10;
  const recalls: number[] = [];
  const gains: number[] = [];
  const overlaps: number[] = [];
  for (const { query, relevant } of options.queries) {
    options.signal?.throwIfAborted();
    const ranked = await options.search(query, k);
    const labels = relevant === undefined ? undefined : new Set(relevant);
    if (labels && labels.size > 0) {
      recalls.push(recallAtK(ranked, labels, k));
      gains.push(ndcgAtK(ranked, labels, k));
    }
    if (options.reference) overlaps.push(overlapAtK(ranked, await options.reference(query, k), k));
  }
  return {
    k,
    queries: options.queries.length,
    labelled: recalls.length,
    ...(recalls.length > 0 ? { recallAtK: mean(recalls), ndcgAtK: mean(gains) } : {}),
    ...(overlaps.length > 0 ? { overlapAtK: mean(overlaps) } : {}),
  };
}
