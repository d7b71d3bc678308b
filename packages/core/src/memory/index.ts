export { createDiscardingSink, type DiscardingSink } from './discarding-sink.js';
export {
  createMemoryLedger,
  isLockHolderAlive,
  type LockHolder,
  type MemoryLedger,
  type MemoryLedgerOptions,
} from './memory-ledger.js';
export { createMemorySink, type MemorySinkOptions } from './memory-sink.js';
export {
  createMemorySinkStore,
  type MemorySinkStore,
  type MemoryStoredPoint,
} from './memory-sink-store.js';
export { cosineSimilarity } from './vector-math.js';
