import { join } from 'node:path';
import { describe, it } from 'vitest';
import { childEnv } from './cli-harness.js';
import { createContainer, startAzurite, uploadToContainer } from './object-store-azure.js';
import {
  expectRefusedCredentials,
  useStoreWorkspace,
  writeSeededTable,
} from './object-store-cli.js';
import { compareBucketWithLocal } from './object-store-compare.js';

// delta-rs writes the table on disk and every version is uploaded to Azurite byte for byte
// (object_store reaches Azurite only on its fixed default port). Azurite 3.35 serves the Blob
// API only, not the DFS endpoint (Path - List answers 400): abfss:// URIs are read through
// the Blob API, which every ADLS Gen2 account also serves (see the package README).
describe('drift reads a Delta table in Azure Blob (Azurite) exactly as the same table on local disk', () => {
  const space = useStoreWorkspace('azure', startAzurite, (azurite) =>
    createContainer(azurite.connectionString, 'lake'),
  );
  const accountKey = () => /AccountKey=([^;]+)/.exec(space.store.connectionString)![1]!;

  it('embed, then watch over updates, deletes and a checkpoint (abfss:// URI): same counters, sink and ledger; no key anywhere', async () => {
    const { work, writer, store: azurite } = space;
    const localPath = join(work, 'tickets');
    const { seed, table } = await writeSeededTable(
      'cli-object-store-azure',
      writer,
      () => localPath,
    );
    const prefix = `t${seed}/tickets`;
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
    const connectionString = space.store.connectionString.replace(accountKey(), wrongKey);
    await expectRefusedCredentials({
      work: space.work,
      table: 'az://lake/denied/tickets',
      env: childEnv(space.work, { AZURE_STORAGE_CONNECTION_STRING: connectionString }),
      message: /^drift: \w+ on az:\/\/lake\/denied\/tickets\/_delta_log.*check them/,
      secret: wrongKey,
    });
  });
});
