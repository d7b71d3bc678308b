import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { childEnv } from './cli-harness.js';
import {
  expectRefusedCredentials,
  useStoreWorkspace,
  writeSeededTable,
} from './object-store-cli.js';
import { compareBucketWithLocal } from './object-store-compare.js';
import { createGcsBucket, startGcs, uploadDirectory } from './object-store-gcs.js';

// delta-rs (object_store) has no setting for a GCS endpoint, so it cannot write into the
// emulator: it writes the table on disk and every version is uploaded byte for byte.
// gcp-storage-emulator checks no credentials at all, and with STORAGE_EMULATOR_HOST set the
// client sends none (a broken key file is never read). So wrong credentials are tested
// without the emulator: a service-account key whose private key the client itself rejects,
// before any request leaves the machine.
describe('drift reads a Delta table in GCS (gcp-storage-emulator) exactly as the same table on local disk', () => {
  const space = useStoreWorkspace('gcs', startGcs, (gcs) => createGcsBucket(gcs.host, 'lake'));

  it('embed, then watch over updates, deletes and a checkpoint: same counters, sink and ledger', async () => {
    const { work, writer, store: gcs } = space;
    const localPath = join(work, 'tickets');
    const { seed, table } = await writeSeededTable('cli-object-store-gcs', writer, () => localPath);
    const prefix = `t${seed}/tickets`;
    await compareBucketWithLocal({
      work,
      table,
      checkpoint: async () => void (await writer.request({ op: 'checkpoint' })),
      bucketUri: `gs://lake/${prefix}`,
      localPath,
      mirror: () => uploadDirectory(gcs.host, localPath, 'lake', prefix),
      env: childEnv(work, { STORAGE_EMULATOR_HOST: gcs.host, GOOGLE_CLOUD_PROJECT: 'drift-test' }),
      secrets: [],
    });
  });

  it('a service-account key the client rejects: one line naming the object and what to do, exit 1, nothing written, no key material anywhere', async () => {
    const { work } = space;
    const secret = 'DRIFTGCSSECRETKEYMATERIAL0123456789';
    const keyFile = join(work, 'key.json');
    writeFileSync(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'drift-test',
        private_key_id: 'drift-key-1',
        private_key: `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----\n`,
        client_email: 'drift@drift-test.iam.gserviceaccount.com',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    const env = childEnv(work, { GOOGLE_APPLICATION_CREDENTIALS: keyFile });
    delete env.STORAGE_EMULATOR_HOST;
    await expectRefusedCredentials({
      work,
      table: 'gs://lake/denied/tickets',
      env,
      message:
        /^drift: InvalidCredentials on gs:\/\/lake\/denied\/tickets\/_delta_log.*download the service account key again/,
      secret,
    });
  });
});
