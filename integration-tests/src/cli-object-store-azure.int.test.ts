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
import { createContainer, startAzurite, uploadToContainer } from './object-store-azure.js';
import { compareBucketWithLocal } from './object-store-compare.js';

// delta-rs writes the table on disk and every version is uploaded to Azurite byte for byte
// (object_store reaches Azurite only on its fixed default port). Azurite 3.35 serves the Blob
// API only, not the DFS endpoint (Path - List answers 400): abfss:// URIs are read through
// the Blob API, which every ADLS Gen2 account also serves (see the package README).
describe('drift reads a Delta table in Azure Blob (Azurite) exactly as the same table on local disk', () => {
  let work: string;
  let writer: DeltaWriter;
  let azurite: ReturnType<typeof startAzurite>;
  const accountKey = () => /AccountKey=([^;]+)/.exec(azurite.connectionString)![1]!;

  beforeAll(async () => {
    assertBuilt();
    azurite = startAzurite();
    await createContainer(azurite.connectionString, 'lake');
    work = mkdtempSync(join(tmpdir(), 'drift-cli-azure-'));
    writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    azurite?.stop();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('embed, then watch over updates, deletes and a checkpoint (abfss:// URI): same counters, sink and ledger; no key anywhere', async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-object-store-azure seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
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
      bucketUri: `abfss://lake@devstoreaccount1.dfs.core.windows.net/${prefix}`,
      localPath,
      mirror: () => uploadToContainer(azurite.connectionString, localPath, 'lake', prefix),
      env: childEnv(work, { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }),
      secrets: [accountKey()],
    });
  });

  it('a wrong account key: one line naming the object and the store code, exit 1, nothing written', async () => {
    const wrongKey = Buffer.from(
      'not the key of this account, 64 bytes long....................',
    ).toString('base64');
    const connectionString = azurite.connectionString.replace(accountKey(), wrongKey);
    const sink = join(work, 'sink-denied');
    const ledger = join(work, 'denied.db');
    const run = await runDrift(
      [
        'embed',
        '--table',
        'az://lake/denied/tickets',
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        `pglite://${sink}?table=t`,
        '--ledger',
        ledger,
        '--json',
      ],
      { cwd: work, env: childEnv(work, { AZURE_STORAGE_CONNECTION_STRING: connectionString }) },
    );
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^drift: \w+ on az:\/\/lake\/denied\/tickets\/_delta_log.*check them/);
    expect(run.stdout + run.stderr).not.toContain(wrongKey);
    expect(existsSync(sink)).toBe(false);
    if (existsSync(ledger)) expect(readFileSync(ledger).includes(wrongKey)).toBe(false);
  });
});
