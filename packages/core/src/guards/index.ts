export { guardEmbedder } from './guard-embedder.js';
export { guardLedger } from './guard-ledger.js';
export { guardSink } from './guard-sink.js';
export { guardSource } from './guard-source.js';
export { createLimiter, type Limiter } from './limiter.js';
export { createSinkHandle, type SinkHandle } from './sink-handle.js';
export { toPointPayload } from './sink-payload.js';
export { assertStorablePoint, isPointId } from './sink-point-check.js';
export { assertSearchArgs } from './sink-search-args.js';
