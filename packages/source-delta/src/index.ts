export { createDeltaSource, openDeltaSource, type DeltaSource, type DeltaSourceOptions } from './source/delta-source.js';
export type { ByteRange, DeltaFileInfo, DeltaFileSystem, DeltaFileSystemCallOptions } from './file-system/delta-file-system.js';
export { createLocalFileSystem } from './file-system/local-file-system.js';
export { DeltaLog } from './log/delta-log.js';
export { loadSnapshot, type DeltaSnapshot } from './log/delta-snapshot.js';
export { readChangeFeed, planChangeFeed, type ChangeFeedOptions, type DeltaChange } from './change-feed/delta-change-feed.js';
export { supportedReaderFeatures } from './log/protocol-gate.js';
export type { DeltaErrorReason } from './delta-errors.js';
export * from './spark/index.js';
