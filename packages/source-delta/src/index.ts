export type { DeltaErrorReason } from './delta-errors.js';
export type {
  ByteRange,
  DeltaFileInfo,
  DeltaFileSystem,
  DeltaFileSystemCallOptions,
} from './file-system/delta-file-system.js';
export { createLocalFileSystem } from './file-system/local-file-system.js';
export { createStoreFileSystem, type StoreImporter } from './file-system/store-file-system.js';
export {
  parseTableUri,
  type TableLocation,
  type TableStore,
} from './file-system/table-uri.js';
export {
  createDeltaSource,
  type DeltaSource,
  type DeltaSourceOptions,
  openDeltaSource,
} from './source/delta-source.js';
