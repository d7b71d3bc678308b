import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import {
  copyPrefixToLocal,
  createBucket,
  deltalakeS3Options,
  type S3Emulator,
  s3Environment,
  startS3,
} from './object-store-s3.js';

// Distinctive, so a leak into any output or the ledger file is found by a plain search.
const credentials = {
  accessKeyId: 'AKIADRIFTTESTKEY0001',
  secretAccessKey: 'drift-test-secret-8d0c1f6e2b9a4c7d',
};

describe('drift reads a Delta table in S3 (moto) exactly as the same table on local disk', () => {
  let work: string;
  let writer: DeltaWriter;
  let s3: S3Emulator;

  beforeAll(async () => {
    assertBuilt();
    s3 = startS3();
    await createBucket(s3.endpoint, credentials, 'lake');
    work = mkdtempSync(join(tmpdir(), 'drift-cli-s3-'));
    writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    s3?.stop();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('embed, then watch over updates, deletes and a checkpoint: same counters, sink and ledger; no secret anywhere', async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-object-store-s3 seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const prefix = `t${seed}/tickets`;
    const bucketUri = `s3://lake/${prefix}`;
    const localPath = join(work, 'tickets');
    const table = new RandomTable(seededRandom(seed), writer);
    // delta-rs writes straight into the bucket; the local copy is copied down from it.
    await table.create(bucketUri, 40, deltalakeS3Options(s3.endpoint, credentials));
    await table.randomCommits(3);
    await writer.request({ op: 'checkpoint' });
    await table.randomCommits(2);
    await compareBucketWithLocal({
      work,
      table,
      checkpoint: async () => void (await writer.request({ op: 'checkpoint' })),
      bucketUri,
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
    const sink = join(work, 'sink-denied');
    const ledger = join(work, 'denied.db');
    const env = childEnv(work, s3Environment(s3.authEndpoint, credentials));
    const run = await runDrift(
      [
        'embed',
        '--table',
        's3://lake/denied/tickets',
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        `pglite://${sink}?table=t`,
        '--ledger',
        ledger,
        '--json',
      ],
      { cwd: work, env },
    );
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /InvalidAccessKeyId on s3:\/\/lake\/denied\/tickets\/_delta_log.*check them/,
    );
    expect(run.stdout + run.stderr).not.toContain(credentials.secretAccessKey);
    expect(existsSync(sink)).toBe(false);
    if (existsSync(ledger)) {
      expect(readFileSync(ledger).includes(credentials.secretAccessKey)).toBe(false);
    }
  });
});
