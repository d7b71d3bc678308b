export { createLancedbSinkFromUri } from './lancedb-from-uri.js';
export { createLancedbSink, type LancedbSink, type LancedbSinkOptions } from './lancedb-sink.js';
export { type LancedbUri, parseLancedbUri } from './lancedb-uri.js';
