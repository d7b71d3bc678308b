// The core Source conformance suite, run against the Spark engine on a real Spark server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSource } from '@drift-spark/core/testkit';
import type { SparkConnectClient } from '@drift-spark/spark-connect';
import { afterAll } from 'vitest';
import { openSparkDeltaSource } from './spark-delta-source.js';
import { sparkForTests } from './testing/spark-test-helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'drift-spark-conformance-'));
const path = join(directory, 'table');
let spark: SparkConnectClient | undefined;
let ready: Promise<void> | undefined;

function client(): SparkConnectClient {
  spark ??= sparkForTests();
  return spark;
}

/** v0 create (CDF on), v1 insert 1..3, v2 update 2, v3 delete 3. */
function table(): Promise<void> {
  ready ??= (async () => {
    const sql = client();
    const name = `delta.\`${path}\``;
    await sql.execute(
      `CREATE TABLE ${name} (id BIGINT, text STRING) USING DELTA TBLPROPERTIES (delta.enableChangeDataFeed = true)`,
    );
    await sql.execute(`INSERT INTO ${name} VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    await sql.execute(`UPDATE ${name} SET text = 'B' WHERE id = 2`);
    await sql.execute(`DELETE FROM ${name} WHERE id = 3`);
  })();
  return ready;
}

afterAll(async () => {
  await spark?.close();
  rmSync(directory, { recursive: true, force: true });
});

testSource({
  title: 'Spark engine: source conformance',
  create: async () => {
    await table();
    return openSparkDeltaSource({ table: path, client: client() });
  },
  columns: ['id', 'text'],
  timeoutMs: 600_000,
  expected: {
    columns: ['id', 'text'],
    latestVersion: 3,
    changeFeed: true,
    rows: [
      { id: 1n, text: 'a' },
      { id: 2n, text: 'B' },
    ],
    versions: [
      {
        version: 1,
        rows: [
          { id: 1n, text: 'a' },
          { id: 2n, text: 'b' },
          { id: 3n, text: 'c' },
        ],
      },
    ],
    changes: [
      {
        fromVersion: 1,
        toVersion: 3,
        changes: [
          { type: 'insert', key: '1', commitVersion: 1 },
          { type: 'insert', key: '2', commitVersion: 1 },
          { type: 'insert', key: '3', commitVersion: 1 },
          { type: 'update_preimage', key: '2', commitVersion: 2 },
          { type: 'update_postimage', key: '2', commitVersion: 2 },
          { type: 'delete', key: '3', commitVersion: 3 },
        ],
      },
      {
        fromVersion: 2,
        changes: [
          { type: 'update_preimage', key: '2', commitVersion: 2 },
          { type: 'update_postimage', key: '2', commitVersion: 2 },
          { type: 'delete', key: '3', commitVersion: 3 },
        ],
      },
    ],
  },
});
