import { DefaultAzureCredential } from '@azure/identity';
import {
  AnonymousCredential,
  BlobServiceClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

export interface AzureClientSettings {
  /** The account of `az://` URIs; default AZURE_STORAGE_ACCOUNT_NAME (or AZURE_STORAGE_ACCOUNT), or the connection string's. */
  account?: string;
}

// The SDK's own retries are off: the file system retries, so attempts never multiply.
const pipeline: StoragePipelineOptions = { retryOptions: { maxTries: 1 } };

function env(...names: string[]): string | undefined {
  for (const name of names) if (process.env[name]) return process.env[name];
  return undefined;
}

/** The account a connection string names (`AccountName=…`). */
function connectionAccount(connection: string): string | undefined {
  return /(?:^|;)AccountName=([^;]+)/i.exec(connection)?.[1];
}

/**
 * A blob service client for `account` from the standard sources, in this order:
 * AZURE_STORAGE_CONNECTION_STRING (when it is for this account; Azurite's too),
 * AZURE_STORAGE_ACCOUNT_KEY, AZURE_STORAGE_SAS_TOKEN, then DefaultAzureCredential
 * (environment, workload identity, managed identity, Azure CLI).
 */
export function createBlobServiceClient(account: string | undefined): BlobServiceClient {
  const connection = env('AZURE_STORAGE_CONNECTION_STRING');
  if (connection && (!account || connectionAccount(connection) === account)) {
    return BlobServiceClient.fromConnectionString(connection, pipeline);
  }
  const name = account ?? env('AZURE_STORAGE_ACCOUNT_NAME', 'AZURE_STORAGE_ACCOUNT');
  if (!name) {
    throw new TypeError(
      'An az:// URI names no storage account: set AZURE_STORAGE_ACCOUNT_NAME (or AZURE_STORAGE_CONNECTION_STRING), or use abfss://container@account.dfs.core.windows.net/path.',
    );
  }
  const endpoint = env('AZURE_STORAGE_BLOB_ENDPOINT') ?? `https://${name}.blob.core.windows.net`;
  const key = env('AZURE_STORAGE_ACCOUNT_KEY', 'AZURE_STORAGE_KEY');
  if (key) {
    return new BlobServiceClient(endpoint, new StorageSharedKeyCredential(name, key), pipeline);
  }
  const sas = env('AZURE_STORAGE_SAS_TOKEN');
  if (sas) {
    return new BlobServiceClient(
      `${endpoint}?${sas.replace(/^\?/, '')}`,
      new AnonymousCredential(),
      pipeline,
    );
  }
  return new BlobServiceClient(endpoint, new DefaultAzureCredential(), pipeline);
}

export function defaultAccount(settings: AzureClientSettings): string | undefined {
  const connection = env('AZURE_STORAGE_CONNECTION_STRING');
  return (
    settings.account ??
    env('AZURE_STORAGE_ACCOUNT_NAME', 'AZURE_STORAGE_ACCOUNT') ??
    (connection ? connectionAccount(connection) : undefined)
  );
}
