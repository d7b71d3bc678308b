import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import {
  createObjectFileSystem,
  createStoreRequests,
  type DeltaFileInfo,
  type DeltaFileSystem,
  parseObjectUri,
  type StoreRequestOptions,
} from '@drift-spark/source-delta/store';
import { createS3Client, type S3ClientLike, type S3ClientSettings } from './s3-client.js';
import { classifyS3Error } from './s3-failure.js';

export interface S3FileSystemOptions
  extends S3ClientSettings,
    Pick<StoreRequestOptions, 'maxConcurrency' | 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs'> {
  /** Your own client (or a factory called at the first request); otherwise one on the standard chain. */
  client?: S3ClientLike | (() => S3ClientLike);
}

function locate(uri: string): { bucket: string; key: string } {
  const object = parseObjectUri(uri);
  if (object?.store !== 's3') {
    throw new TypeError(
      `${uri} is not an s3:// URI: the S3 file system reads only s3:// and s3a:// paths.`,
    );
  }
  return { bucket: object.bucket, key: object.key };
}

/**
 * Delta tables on S3 and S3-compatible stores as a `DeltaFileSystem`, for `s3://` and
 * `s3a://` URIs. Lazy: the client is made at the first request. Every request goes
 * through one bounded, retrying request queue.
 */
export function createS3FileSystem(options: S3FileSystemOptions = {}): DeltaFileSystem {
  let client: S3ClientLike | undefined;
  const getClient = (): S3ClientLike => {
    client ??=
      typeof options.client === 'function'
        ? options.client()
        : (options.client ?? createS3Client(options));
    return client;
  };
  const requests = createStoreRequests({ ...options, classify: classifyS3Error });

  return createObjectFileSystem(
    {
      locate,
      async listPage({ bucket }, prefix, page, signal) {
        const output = await requests.run(
          `s3://${bucket}/${prefix}`,
          () =>
            getClient().send(
              new ListObjectsV2Command({
                Bucket: bucket,
                Prefix: prefix,
                Delimiter: '/',
                ContinuationToken: page.token,
                StartAfter: page.startAfter,
                MaxKeys: page.maxKeys,
              }),
              { abortSignal: signal },
            ) as Promise<ListObjectsV2CommandOutput>,
          signal,
        );
        const files: DeltaFileInfo[] = [];
        for (const object of output.Contents ?? []) {
          if (!object.Key || object.Key.endsWith('/')) continue;
          files.push({
            path: `s3://${bucket}/${object.Key}`,
            name: object.Key.slice(prefix.length),
            size: object.Size ?? 0,
            modificationTime: object.LastModified?.getTime() ?? 0,
          });
        }
        return {
          files,
          found: (output.KeyCount ?? 0) > 0 || (output.CommonPrefixes?.length ?? 0) > 0,
          next: output.IsTruncated ? output.NextContinuationToken : undefined,
        };
      },
      async read({ bucket, key }, range, signal) {
        const output = (await getClient().send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            Range: range ? `bytes=${range.start}-${range.end - 1}` : undefined,
          }),
          { abortSignal: signal },
        )) as GetObjectCommandOutput;
        // Reading the body is part of the request: a connection dropped mid-body is retried.
        return output.Body ? await output.Body.transformToByteArray() : new Uint8Array(0);
      },
      async head({ bucket, key }, target, signal) {
        const head = (await getClient().send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
          abortSignal: signal,
        })) as HeadObjectCommandOutput;
        return {
          path: target,
          name: key.slice(key.lastIndexOf('/') + 1),
          size: head.ContentLength ?? 0,
          modificationTime: head.LastModified?.getTime() ?? 0,
        };
      },
    },
    requests,
  );
}
