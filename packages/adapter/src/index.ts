export { createAdapterEmbedder } from './adapter-embedder.js';
export {
  adapterHash,
  loadAdapter,
  parseAdapter,
  saveAdapter,
  serializeAdapter,
} from './adapter-file.js';
export {
  type Adapter,
  type AdapterCandidate,
  type AdapterFamily,
  type AdapterFit,
  type AdapterFitSummary,
  type AdapterHeader,
  type AdapterPairs,
  adapterFamilies,
  type FitAdapterOptions,
  type LowRankAffineAdapter,
  type ProcrustesAdapter,
  type ProcrustesParameters,
  type ResidualMlpAdapter,
} from './adapter-types.js';
export { applyAdapter } from './apply-adapter.js';
export {
  type EvaluateQueriesOptions,
  type EvaluationQuery,
  evaluateQueries,
  type QueryEvaluation,
  type SearchFunction,
} from './evaluate-queries.js';
export { fitAdapter } from './fit-adapter.js';
export { ndcgAtK, overlapAtK, recallAtK } from './retrieval-metrics.js';
