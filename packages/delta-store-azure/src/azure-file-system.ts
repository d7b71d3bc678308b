import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import {
  createStoreRequests,
  type DeltaFileInfo,
  type DeltaFileSystem,
  formatObjectUri,
  parseObjectUri,
  resolveObjectPath,
  type StoreRequestOptions,
} from '@drift-spark/source-delta/store';
import {
  type AzureClientSettings,
  createBlobServiceClient,
  defaultAccount,
} from './azure-client.js';
import { classifyAzureError } from './azure-failure.js';

export interface AzureFileSystemOptions
  extends AzureClientSettings,
    Pick<StoreRequestOptions, 'maxConcurrency' | 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs'> {
  /** Your own client per account (called at the first request to each); otherwise one from the standard sources. */
  client?: (account: string | undefined) => BlobServiceClient;
}

/**
 * Delta tables on Azure Blob Storage and ADLS Gen2 as a `DeltaFileSystem`, for
 * `az://container/path` (account from the environment) and
 * `abfss://container@account.dfs.core.windows.net/path`. Both are read through the Blob
 * API, which every ADLS Gen2 account serves too. Lazy: clients are made at the first request.
 */
export function createAzureFileSystem(options: AzureFileSystemOptions = {}): DeltaFileSystem {
  const clients = new Map<string, BlobServiceClient>();
  const requests = createStoreRequests({ ...options, classify: classifyAzureError });

  const locate = (uri: string): { container: ContainerClient; key: string; base: string } => {
    const object = parseObjectUri(uri);
    if (object?.store !== 'azure') {
      throw new TypeError(`${uri} is not an az:// or abfss:// URI.`);
    }
    const account = object.account ?? defaultAccount(options);
    const id = account ?? '';
    let service = clients.get(id);
    if (!service) {
      service = (options.client ?? createBlobServiceClient)(account);
      clients.set(id, service);
    }
    const base = formatObjectUri({ ...object, key: '' });
    return { container: service.getContainerClient(object.bucket), key: object.key, base };
  };

  const listPage = (
    uri: string,
    container: ContainerClient,
    prefix: string,
    maxPageSize: number,
    signal?: AbortSignal,
    continuationToken?: string,
  ) =>
    requests.run(
      uri,
      async () => {
        const pages = container
          .listBlobsByHierarchy('/', { prefix, abortSignal: signal })
          .byPage({ maxPageSize, continuationToken });
        const page = (await pages.next()).value;
        return {
          blobs: page?.segment.blobItems ?? [],
          prefixes: page?.segment.blobPrefixes ?? [],
          continuationToken: page?.continuationToken || undefined,
        };
      },
      signal,
    );

  return {
    async list(directory, callOptions = {}) {
      const { container, key, base } = locate(directory);
      const prefix = key ? `${key}/` : '';
      const files: DeltaFileInfo[] = [];
      let found = false;
      let token: string | undefined;
      do {
        const page = await listPage(directory, container, prefix, 5000, callOptions.signal, token);
        if (page.blobs.length > 0 || page.prefixes.length > 0) found = true;
        for (const blob of page.blobs) {
          if (blob.name.endsWith('/')) continue;
          files.push({
            path: `${base}/${blob.name}`,
            name: blob.name.slice(prefix.length),
            size: blob.properties.contentLength ?? 0,
            modificationTime: blob.properties.lastModified?.getTime() ?? 0,
          });
        }
        token = page.continuationToken;
      } while (token);
      return found ? files : undefined;
    },

    async read(target, callOptions = {}) {
      const { container, key } = locate(target);
      const { range, signal } = callOptions;
      if (range && range.end <= range.start) return new Uint8Array(0);
      return requests.run(
        target,
        async () => {
          const blob = container.getBlobClient(key);
          const offset = range?.start ?? 0;
          const count = range ? range.end - range.start : undefined;
          const response = await blob.download(offset, count, { abortSignal: signal });
          // Reading the body is part of the request: a connection dropped mid-body is retried.
          const chunks: Buffer[] = [];
          for await (const chunk of response.readableStreamBody ?? []) chunks.push(chunk as Buffer);
          const bytes = Buffer.concat(chunks);
          return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        },
        signal,
      );
    },

    async stat(target, callOptions = {}) {
      const { container, key } = locate(target);
      try {
        const properties = await requests.run(
          target,
          () => container.getBlobClient(key).getProperties({ abortSignal: callOptions.signal }),
          callOptions.signal,
        );
        return {
          path: target,
          name: key.slice(key.lastIndexOf('/') + 1),
          size: properties.contentLength ?? 0,
          modificationTime: properties.lastModified?.getTime() ?? 0,
        };
      } catch (error) {
        if ((error as { reason?: unknown }).reason === 'file-missing') return undefined;
        throw error;
      }
    },

    async isDirectory(target, callOptions = {}) {
      const { container, key } = locate(target);
      const page = await listPage(target, container, key ? `${key}/` : '', 1, callOptions.signal);
      return page.blobs.length > 0 || page.prefixes.length > 0;
    },

    resolve: resolveObjectPath,
    rangedReads: true,
  };
}
