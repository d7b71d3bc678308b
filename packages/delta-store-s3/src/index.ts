export type { S3ClientLike, S3ClientSettings } from './s3-client.js';
export { createS3Client } from './s3-client.js';
export { classifyS3Error } from './s3-failure.js';
export { createS3FileSystem, type S3FileSystemOptions } from './s3-file-system.js';
