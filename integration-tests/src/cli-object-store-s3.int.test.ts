import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { childEnv } from './cli-harness.js';
import {
  expectRefusedCredentials,
  useStoreWorkspace,
  writeSeededTable,
} from './object-store-cli.js';
import { compareBucketWithLocal } from './object-store-compare.js';
import {
  copyPrefixToLocal,
  createBucket,
  deltalakeS3Options,
  s3Environment,
  startS3,
} from './object-store-s3.js';

// Distinctive, so a leak into any output or the ledger file is found by a plain search.
const credentials = {
  accessKeyId: 'AKIADRIFTTESTKEY0001',
  secretAccessKey: 'drift-test-secret-8d0c1f6e2b9a4c7d',
};

describe('drift reads a Delta table in S3 (moto) exactly as the same table on local disk', () => {
  const space = useStoreWorkspace('s3', startS3, (s3) =>
    createBucket(s3.endpoint, credentials, 'lake'),
  );

  it('embed, then watch over updates, deletes and a checkpoint: same counters, sink and ledger; no secret anywhere', async () => {
    const { work, writer, store: s3 } = space;
    const localPath = join(work, 'tickets');
    // delta-rs writes straight into the bucket; the local copy is copied down from it.
    const { seed, table } = await writeSeededTable(
      'cli-object-store-s3',
      writer,
      (seed) => `s3://lake/t${seed}/tickets`,
      { storageOptions: deltalakeS3Options(s3.endpoint, credentials) },
    );
    const prefix = `t${seed}/tickets`;
    await compareBucketWithLocal({
      work,
      table,
      checkpoint: async () => void (await writer.request({ op: 'checkpoint' })),
      bucketUri: `s3://lake/${prefix}`,
      localPath,
      mirror: async () => {
        rmSync(localPath, { recursive: true, force: true });
        await copyPrefixToLocal(s3.endpoint, credentials, 'lake', prefix, localPath);
      },
      env: childEnv(work, s3Environment(s3.endpoint, credentials)),
      secrets: [credentials.secretAccessKey, credentials.accessKeyId],
    });
  });

  it('wrong credentials: one line naming the object and the store code, exit 1, nothing written', async () => {
    await expectRefusedCredentials({
      work: space.work,
      table: 's3://lake/denied/tickets',
      env: childEnv(space.work, s3Environment(space.store.authEndpoint, credentials)),
      message: /InvalidAccessKeyId on s3:\/\/lake\/denied\/tickets\/_delta_log.*check them/,
      secret: credentials.secretAccessKey,
    });
  });
});
