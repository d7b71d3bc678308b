import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, repoRoot, type TicketRow } from './cli-harness.js';
import { createContainer, startAzurite, uploadToContainer } from './object-store-azure.js';
import { sideBySide } from './object-store-compare.js';
import { createGcsBucket, startGcs, uploadDirectory } from './object-store-gcs.js';
import { createBucket, s3Environment, startS3, uploadToBucket } from './object-store-s3.js';

// A table Spark + Delta wrote (scripts/fixtures: tickets-with-dv): deletion vectors, the
// Change Data Feed, checkpoints at v3 and v6. Spark wrote it on disk; its files are
// uploaded to each store as they stood at each version (the real writer's bytes).
const fixture = `${repoRoot}packages/source-delta/fixtures/tickets-with-dv`;
const truth = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as {
  latestVersion: number;
  snapshots: { version: number; rows: { id: string; body: string | null }[] }[];
};

/** The rows Spark read back at `version`. */
function rowsAt(version: number): TicketRow[] {
  const snapshot = truth.snapshots.find((candidate) => candidate.version === version)!;
  return snapshot.rows.map((row) => ({
    id: Number(row.id),
    body: row.body,
    category: null,
    n: null,
  }));
}

/** The table as it stood at `version`: every data file, the log up to that version. */
function stageAt(version: number, target: string): void {
  rmSync(target, { recursive: true, force: true });
  cpSync(fixture, target, {
    recursive: true,
    filter: (source) => {
      const name = basename(source);
      if (name === 'expected.json') return false;
      if (!source.includes('/_delta_log/')) return true;
      if (name === '_last_checkpoint') return version === truth.latestVersion;
      const logVersion = /^\.?(\d{20})\./.exec(name)?.[1];
      return logVersion === undefined || Number(logVersion) <= version;
    },
  });
}

interface Store {
  uri: string;
  env: NodeJS.ProcessEnv;
  secrets: string[];
  upload(localDirectory: string): Promise<void>;
  stop(): void;
}

const credentials = {
  accessKeyId: 'AKIADRIFTSPARKDV0001',
  secretAccessKey: 'drift-spark-dv-secret',
};
const prefix = `spark-dv-${Date.now()}/tickets`;

const stores: Record<string, (work: string) => Promise<Store>> = {
  S3: async (work) => {
    const s3 = startS3();
    await createBucket(s3.endpoint, credentials, 'lake').catch(() => {});
    return {
      uri: `s3://lake/${prefix}`,
      env: childEnv(work, s3Environment(s3.endpoint, credentials)),
      secrets: [credentials.secretAccessKey],
      upload: (local) => uploadToBucket(s3.endpoint, credentials, local, 'lake', prefix),
      stop: () => s3.stop(),
    };
  },
  Azure: async (work) => {
    const azurite = startAzurite();
    await createContainer(azurite.connectionString, 'lake');
    return {
      uri: `az://lake/${prefix}`,
      env: childEnv(work, { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }),
      secrets: [/AccountKey=([^;]+)/.exec(azurite.connectionString)![1]!],
      upload: (local) => uploadToContainer(azurite.connectionString, local, 'lake', prefix),
      stop: () => azurite.stop(),
    };
  },
  GCS: async (work) => {
    const gcs = startGcs();
    await createGcsBucket(gcs.host, 'lake').catch(() => {});
    return {
      uri: `gs://lake/${prefix}`,
      env: childEnv(work, { STORAGE_EMULATOR_HOST: gcs.host, GOOGLE_CLOUD_PROJECT: 'drift-test' }),
      secrets: [],
      upload: (local) => uploadDirectory(gcs.host, local, 'lake', prefix),
      stop: () => gcs.stop(),
    };
  },
};

describe('a Spark-written table with deletion vectors and checkpoints, in each store, reads as its local copy', () => {
  let work: string;
  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-spark-dv-'));
    expect(truth.latestVersion).toBe(6);
  });
  afterAll(() => {
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  for (const [name, start] of Object.entries(stores)) {
    it(`${name}: embed at v2 (deletion vectors), watch across the checkpoints to v6: same counters, sinks equal Spark's rows, ledgers in step`, async () => {
      const home = join(work, name);
      const store = await start(home);
      try {
        const localPath = join(home, 'tickets');
        const both = sideBySide({ work: home, bucketUri: store.uri, localPath, env: store.env });
        // S3 also stops at v4, just past the first checkpoint; the others go to v6 at once.
        const steps = name === 'S3' ? [2, 4, 6] : [2, 6];
        for (const [index, version] of steps.entries()) {
          const command = index === 0 ? 'embed' : 'watch';
          stageAt(version, localPath);
          await store.upload(localPath);
          await both.compare(command, `${name} ${command} to v${version}`, rowsAt(version));
        }
        both.expectNoSecret(store.secrets);
      } finally {
        store.stop();
      }
    });
  }
});
