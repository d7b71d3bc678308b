export {
  createMemorySinkStore,
  type MemorySinkStore,
  type MemoryStoredPoint,
} from '../memory/memory-sink-store.js';
export { type ArraySource, type ArraySourceOptions, createArraySource } from './array-source.js';
export type { EmbedderHarness as TestEmbedderHarness } from './embedder-rules.js';
export { createFailingSink, type FailingSink, type FailingSinkOptions } from './failing-sink.js';
export {
  createRecordingEmbedder,
  type RecordedCall,
  type RecordingEmbedder,
  type RecordingEmbedderOptions,
} from './recording-embedder.js';
export type { SourceHarness as TestSourceHarness } from './source-rules.js';
export { type TestEmbedderOptions, testEmbedder } from './test-embedder.js';
export { type LedgerKit, type TestLedgerOptions, testLedger } from './test-ledger.js';
export {
  type TestSinkCapabilities,
  type TestSinkContext,
  type TestSinkHarness,
  type TestSinkOptions,
  type TestSinkSkip,
  testSink,
} from './test-sink.js';
export { type ExpectedChange, type TestSourceOptions, testSource } from './test-source.js';
export {
  axisVector,
  caughtDriftError,
  collect,
  conformancePoint,
  unitVector,
} from './testkit-helpers.js';
