import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import {
  createObjectFileSystem,
  createStoreRequests,
  type DeltaFileInfo,
  type DeltaFileSystem,
  formatObjectUri,
  parseObjectUri,
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

  const locate = (
    uri: string,
  ): { uri: string; container: ContainerClient; key: string; base: string } => {
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
    return { uri, container: service.getContainerClient(object.bucket), key: object.key, base };
  };

  return createObjectFileSystem(
    {
      locate,
      listPage: ({ uri, container, base }, prefix, page, signal) =>
        requests.run(
          uri,
          async () => {
            const pages = container
              .listBlobsByHierarchy('/', { prefix, abortSignal: signal })
              .byPage({ maxPageSize: page.maxKeys ?? 5000, continuationToken: page.token });
            const value = (await pages.next()).value;
            const blobs = value?.segment.blobItems ?? [];
            const prefixes = value?.segment.blobPrefixes ?? [];
            const files: DeltaFileInfo[] = [];
            for (const blob of blobs) {
              if (blob.name.endsWith('/')) continue;
              files.push({
                path: `${base}/${blob.name}`,
                name: blob.name.slice(prefix.length),
                size: blob.properties.contentLength ?? 0,
                modificationTime: blob.properties.lastModified?.getTime() ?? 0,
              });
            }
            return {
              files,
              found: blobs.length > 0 || prefixes.length > 0,
              next: value?.continuationToken || undefined,
            };
          },
          signal,
        ),
      async read({ container, key }, range, signal) {
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
      async head({ container, key }, target, signal) {
        const properties = await container
          .getBlobClient(key)
          .getProperties({ abortSignal: signal });
        return {
          path: target,
          name: key.slice(key.lastIndexOf('/') + 1),
          size: properties.contentLength ?? 0,
          modificationTime: properties.lastModified?.getTime() ?? 0,
        };
      },
    },
    requests,
  );
}
