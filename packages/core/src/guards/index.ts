export { checkEmbedInput, emptyEmbedResult } from './embed-input.js';
export { guardEmbedder } from './guard-embedder.js';
export { guardLedger } from './guard-ledger.js';
export { guardSink } from './guard-sink.js';
export { guardSource } from './guard-source.js';
export { createLimiter, type Limiter } from './limiter.js';
