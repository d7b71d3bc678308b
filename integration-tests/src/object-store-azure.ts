import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { repoRoot } from './cli-harness.js';

/** Azurite (scripts/services/azure.sh): the one with-services started, or one of our own. */
export function startAzurite(): { connectionString: string; stop(): void } {
  const fromEnv = process.env.AZURE_STORAGE_CONNECTION_STRING;
  if (fromEnv) return { connectionString: fromEnv, stop() {} };
  const script = `${repoRoot}scripts/services/azure.sh`;
  const exports = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
  return {
    connectionString: /export AZURE_STORAGE_CONNECTION_STRING='([^']+)'/.exec(exports)?.[1] ?? '',
    stop: () => execFileSync('bash', [script, 'stop'], { stdio: 'ignore' }),
  };
}

export async function createContainer(connectionString: string, name: string): Promise<void> {
  await BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(name)
    .createIfNotExists();
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
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
