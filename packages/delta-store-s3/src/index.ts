export type { S3ClientLike } from './s3-client.js';
export { createS3FileSystem, type S3FileSystemOptions } from './s3-file-system.js';
