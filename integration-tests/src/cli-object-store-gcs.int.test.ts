import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertBuilt, childEnv, DeltaWriter, pythonPath, seededRandom } from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { compareBucketWithLocal } from './object-store-compare.js';
import { createGcsBucket, startGcs, uploadDirectory } from './object-store-gcs.js';

// delta-rs (object_store) has no setting for a GCS endpoint, so it cannot write into the
// emulator: it writes the table on disk and every version is uploaded byte for byte.
// gcp-storage-emulator accepts any credentials, so the wrong-credentials case is S3's.
describe('drift reads a Delta table in GCS (gcp-storage-emulator) exactly as the same table on local disk', () => {
  let work: string;
  let writer: DeltaWriter;
  let gcs: ReturnType<typeof startGcs>;

  beforeAll(async () => {
    assertBuilt();
    gcs = startGcs();
    await createGcsBucket(gcs.host, 'lake');
    work = mkdtempSync(join(tmpdir(), 'drift-cli-gcs-'));
    writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    gcs?.stop();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('embed, then watch over updates, deletes and a checkpoint: same counters, sink and ledger', async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-object-store-gcs seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const prefix = `t${seed}/tickets`;
    const localPath = join(work, 'tickets');
    const table = new RandomTable(seededRandom(seed), writer);
    await table.create(localPath, 40);
    await table.randomCommits(3);
    await writer.request({ op: 'checkpoint' });
    await table.randomCommits(2);
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
});
