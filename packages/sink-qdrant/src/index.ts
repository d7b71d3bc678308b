export type { QdrantClientSubset, QdrantPointRecord } from './qdrant-client-subset.js';
export { createQdrantSink, type QdrantSinkOptions } from './qdrant-sink.js';
export { createQdrantSinkFromUri, parseQdrantUri } from './qdrant-uri.js';
