import {
  createObjectFileSystem,
  createStoreRequests,
  type DeltaFileInfo,
  type DeltaFileSystem,
  parseObjectUri,
  type StoreRequestOptions,
} from '@drift-spark/source-delta/store';
import { Storage, type StorageOptions } from '@google-cloud/storage';
import { classifyGcsError } from './gcs-failure.js';

export interface GcsFileSystemOptions
  extends Pick<
    StoreRequestOptions,
    'maxConcurrency' | 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs'
  > {
  /** Your own client (or a factory called at the first request); otherwise one on Application Default Credentials. */
  storage?: Storage | (() => Storage);
  /** Passed to `new Storage()` when Drift makes the client. */
  storageOptions?: StorageOptions;
}

interface GcsObjectMetadata {
  name?: string;
  size?: string | number;
  updated?: string;
}

function locate(uri: string): { bucket: string; key: string } {
  const object = parseObjectUri(uri);
  if (object?.store !== 'gcs') {
    throw new TypeError(`${uri} is not a gs:// URI: the GCS file system reads only gs:// paths.`);
  }
  return { bucket: object.bucket, key: object.key };
}

function info(bucket: string, prefix: string, metadata: GcsObjectMetadata): DeltaFileInfo {
  const name = metadata.name ?? '';
  return {
    path: `gs://${bucket}/${name}`,
    name: name.slice(prefix.length),
    size: Number(metadata.size ?? 0),
    modificationTime: metadata.updated ? Date.parse(metadata.updated) : 0,
  };
}

/**
 * Delta tables on Google Cloud Storage as a `DeltaFileSystem`, for `gs://` URIs. Lazy:
 * the client is made at the first request (it honours STORAGE_EMULATOR_HOST). The
 * client's own retries are off: the shared request queue retries, so attempts never multiply.
 */
export function createGcsFileSystem(options: GcsFileSystemOptions = {}): DeltaFileSystem {
  let storage: Storage | undefined;
  const client = (): Storage => {
    storage ??=
      typeof options.storage === 'function'
        ? options.storage()
        : (options.storage ??
          new Storage({ ...options.storageOptions, retryOptions: { autoRetry: false } }));
    return storage;
  };
  const requests = createStoreRequests({ ...options, classify: classifyGcsError });

  return createObjectFileSystem(
    {
      locate,
      listPage: ({ bucket }, prefix, page, signal) =>
        requests.run(
          `gs://${bucket}/${prefix}`,
          async () => {
            const [files, next, response] = await client()
              .bucket(bucket)
              .getFiles({
                prefix,
                delimiter: '/',
                autoPaginate: false,
                // A directory probe asks for one result; a listing pages on from a token and a start.
                ...(page.maxKeys === undefined
                  ? { pageToken: page.token, startOffset: page.startAfter }
                  : { maxResults: page.maxKeys }),
              });
            const prefixes = (response as { prefixes?: string[] } | undefined)?.prefixes ?? [];
            const infos = files.map((file) =>
              info(bucket, prefix, file.metadata as GcsObjectMetadata),
            );
            return {
              files: infos.filter((file) => file.name !== '' && !file.name.endsWith('/')),
              found: infos.length > 0 || prefixes.length > 0,
              next: (next as { pageToken?: string } | null)?.pageToken,
            };
          },
          signal,
        ),
      async read({ bucket, key }, range) {
        const [bytes] = await client()
          .bucket(bucket)
          .file(key)
          .download({
            validation: false,
            ...(range ? { start: range.start, end: range.end - 1 } : {}),
          });
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      async head({ bucket, key }) {
        const [metadata] = await client().bucket(bucket).file(key).getMetadata();
        const slash = key.lastIndexOf('/');
        return info(bucket, key.slice(0, slash + 1), metadata as GcsObjectMetadata);
      },
    },
    requests,
  );
}
