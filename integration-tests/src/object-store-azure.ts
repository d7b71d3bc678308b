import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { filesUnder, startServiceScript } from './object-store-service.js';

/** Azurite (scripts/services/azure.sh): the one with-services started, or one of our own. */
export function startAzurite(): { connectionString: string; stop(): void } {
  const fromEnv = process.env.AZURE_STORAGE_CONNECTION_STRING;
  if (fromEnv) return { connectionString: fromEnv, stop() {} };
  const { exports, stop } = startServiceScript('azure');
  return {
    connectionString: /export AZURE_STORAGE_CONNECTION_STRING='([^']+)'/.exec(exports)?.[1] ?? '',
    stop,
  };
}

export async function createContainer(connectionString: string, name: string): Promise<void> {
  await BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(name)
    .createIfNotExists();
}

/** Uploads every file of `localDirectory` under `prefix`, byte for byte. */
export async function uploadToContainer(
  connectionString: string,
  localDirectory: string,
  container: string,
  prefix: string,
): Promise<void> {
  const client =
    BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  for (const file of filesUnder(localDirectory)) {
    const bytes = readFileSync(file);
    await client
      .getBlockBlobClient(`${prefix}/${relative(localDirectory, file)}`)
      .upload(bytes, bytes.length);
  }
}
