import {
  createStoreRequests,
  type DeltaFileInfo,
  type DeltaFileSystem,
  parseObjectUri,
  resolveObjectPath,
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

  const listPage = async (
    bucket: string,
    prefix: string,
    page: { pageToken?: string; startOffset?: string; maxResults?: number },
    signal?: AbortSignal,
  ) =>
    requests.run(
      `gs://${bucket}/${prefix}`,
      async () => {
        const [files, next, response] = await client()
          .bucket(bucket)
          .getFiles({
            prefix,
            delimiter: '/',
            autoPaginate: false,
            ...page,
          });
        const prefixes = (response as { prefixes?: string[] } | undefined)?.prefixes ?? [];
        return {
          files: files.map((file) => info(bucket, prefix, file.metadata as GcsObjectMetadata)),
          prefixes,
          pageToken: (next as { pageToken?: string } | null)?.pageToken,
        };
      },
      signal,
    );

  return {
    async list(directory, callOptions = {}) {
      const { bucket, key } = locate(directory);
      const prefix = key ? `${key}/` : '';
      const files: DeltaFileInfo[] = [];
      let found = false;
      let pageToken: string | undefined;
      const startOffset = callOptions.startAfter ? prefix + callOptions.startAfter : undefined;
      do {
        const page = await listPage(bucket, prefix, { pageToken, startOffset }, callOptions.signal);
        if (page.files.length > 0 || page.prefixes.length > 0) found = true;
        files.push(...page.files.filter((file) => file.name !== '' && !file.name.endsWith('/')));
        pageToken = page.pageToken;
      } while (pageToken);
      return found ? files : undefined;
    },

    async read(target, callOptions = {}) {
      const { bucket, key } = locate(target);
      const { range, signal } = callOptions;
      if (range && range.end <= range.start) return new Uint8Array(0);
      return requests.run(
        target,
        async () => {
          const [bytes] = await client()
            .bucket(bucket)
            .file(key)
            .download({
              validation: false,
              ...(range ? { start: range.start, end: range.end - 1 } : {}),
            });
          return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        },
        signal,
      );
    },

    async stat(target, callOptions = {}) {
      const { bucket, key } = locate(target);
      try {
        const metadata = await requests.run(
          target,
          async () => (await client().bucket(bucket).file(key).getMetadata())[0],
          callOptions.signal,
        );
        const slash = key.lastIndexOf('/');
        return info(bucket, key.slice(0, slash + 1), metadata as GcsObjectMetadata);
      } catch (error) {
        if ((error as { reason?: unknown }).reason === 'file-missing') return undefined;
        throw error;
      }
    },

    async isDirectory(target, callOptions = {}) {
      const { bucket, key } = locate(target);
      const page = await listPage(
        bucket,
        key ? `${key}/` : '',
        { maxResults: 1 },
        callOptions.signal,
      );
      return page.files.length > 0 || page.prefixes.length > 0;
    },

    resolve: resolveObjectPath,
    rangedReads: true,
  };
}
