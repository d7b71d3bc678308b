/**
 * For authors of store file systems (`@drift-spark/delta-store-*`): URI parsing, the
 * shared request discipline (bounded concurrency, retries, one-line errors). Unstable.
 */
export type {
  ByteRange,
  DeltaFileInfo,
  DeltaFileSystem,
  DeltaFileSystemCallOptions,
} from '../file-system/delta-file-system.js';
export {
  formatObjectUri,
  type ObjectLocation,
  parseObjectUri,
  resolveObjectPath,
} from '../file-system/table-uri.js';
export {
  createObjectFileSystem,
  type ObjectListPage,
  type ObjectListRequest,
  type ObjectStoreCalls,
} from './object-file-system.js';
export {
  droppedConnectionCode,
  kindOfStatus,
  type StoreFailure,
  type StoreFailureKind,
  storeFailureError,
} from './store-failure.js';
export {
  createStoreRequests,
  type StoreRequestOptions,
  type StoreRequests,
} from './store-requests.js';
