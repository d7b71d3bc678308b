export { classifyGcsError } from './gcs-failure.js';
export { createGcsFileSystem, type GcsFileSystemOptions } from './gcs-file-system.js';
