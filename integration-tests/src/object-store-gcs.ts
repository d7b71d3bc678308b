import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { filesUnder, startServiceScript } from './object-store-service.js';

/** The GCS emulator (scripts/services/gcs.sh): the one with-services started, or one of our own. */
export function startGcs(): { host: string; stop(): void } {
  const fromEnv = process.env.STORAGE_EMULATOR_HOST;
  if (fromEnv) return { host: fromEnv, stop() {} };
  const { exports, stop } = startServiceScript('gcs');
  return { host: /export STORAGE_EMULATOR_HOST=(\S+)/.exec(exports)?.[1] ?? '', stop };
}

function storage(host: string): Storage {
  return new Storage({ apiEndpoint: host, projectId: 'drift-test' });
}

export async function createGcsBucket(host: string, bucket: string): Promise<void> {
  await storage(host).createBucket(bucket);
}

/** Uploads every file of `localDirectory` under `prefix`, byte for byte (the local table "copied to the bucket"). */
export async function uploadDirectory(
  host: string,
  localDirectory: string,
  bucket: string,
  prefix: string,
): Promise<void> {
  const target = storage(host).bucket(bucket);
  for (const file of filesUnder(localDirectory)) {
    const name = `${prefix}/${relative(localDirectory, file)}`;
    await target.file(name).save(readFileSync(file), { resumable: false, validation: false });
  }
}
