export { createLancedbSinkFromUri } from './lancedb-from-uri.js';
export { DEFAULT_INDEX_THRESHOLD, DEFAULT_OPTIMIZE_EVERY } from './lancedb-index-policy.js';
export {
  createLancedbSink,
  type LancedbSink,
  type LancedbSinkOptions,
  type SearchIndexInfo,
} from './lancedb-sink.js';
export { canonicalLancedbUri, type LancedbUri, parseLancedbUri } from './lancedb-uri.js';
