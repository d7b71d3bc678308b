import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  pythonPath,
  runDrift,
  seededRandom,
} from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { compareBucketWithLocal } from './object-store-compare.js';
import { createGcsBucket, startGcs, uploadDirectory } from './object-store-gcs.js';

// delta-rs (object_store) has no setting for a GCS endpoint, so it cannot write into the
// emulator: it writes the table on disk and every version is uploaded byte for byte.
// gcp-storage-emulator checks no credentials at all, and with STORAGE_EMULATOR_HOST set the
// client sends none (a broken key file is never read). So wrong credentials are tested
// without the emulator: a service-account key whose private key the client itself rejects,
// before any request leaves the machine.
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

  it('a service-account key the client rejects: one line naming the object and what to do, exit 1, nothing written, no key material anywhere', async () => {
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
    const sink = join(work, 'sink-denied');
    const ledger = join(work, 'denied.db');
    const run = await runDrift(
      [
        'embed',
        '--table',
        'gs://lake/denied/tickets',
        '--text-col',
        'body',
        '--shadow-mode',
      ].concat(['--sink', `pglite://${sink}?table=t`, '--ledger', ledger, '--json']),
      { cwd: work, env },
    );
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^drift: InvalidCredentials on gs:\/\/lake\/denied\/tickets\/_delta_log.*download the service account key again/,
    );
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(existsSync(sink)).toBe(false);
    if (existsSync(ledger)) expect(readFileSync(ledger).includes(secret)).toBe(false);
  });
});
