export { createGcsFileSystem, type GcsFileSystemOptions } from './gcs-file-system.js';
