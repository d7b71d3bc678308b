import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSparkConnectClient, type SparkConnectClient } from '@drift-spark/spark-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, type TicketRow } from './cli-harness.js';
import { enginePair } from './cli-spark-engines.js';

/**
 * `drift embed` and `drift watch` through the Spark engine (`--spark`) and through the native
 * reader, on the same Delta table written by Spark, into two PGlite sinks: after every step
 * both sinks hold the same points (same ids, since both engines use the table's id), and both
 * runs report the same counts.
 */

const remote = process.env.SPARK_REMOTE;

describe('drift embed and drift watch through Spark match the native engine', () => {
  let spark: SparkConnectClient;
  let work: string;
  let tablePath: string;
  let table: string;
  let env: NodeJS.ProcessEnv;
  const rows = new Map<number, TicketRow>();
  let version = -1;

  let pair: ReturnType<typeof enginePair>;

  beforeAll(async () => {
    if (!remote)
      throw new Error(
        'SPARK_REMOTE is not set: run through `pnpm test:int` at the root, or `DRIFT_SERVICES=spark bash scripts/with-services.sh bash -c "cd integration-tests && npx vitest run src/cli-spark.int.test.ts"`.',
      );
    assertBuilt();
    spark = createSparkConnectClient({ remote });
    work = mkdtempSync(join(tmpdir(), 'drift-cli-spark-'));
    tablePath = join(work, 'tickets');
    table = `delta.\`${tablePath}\``;
    env = childEnv(work);
    pair = enginePair({ work, tablePath, remote, env });
  });

  afterAll(async () => {
    await spark?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  /** One Spark statement, one commit. */
  async function commit(sql: string): Promise<void> {
    await spark.execute(sql);
    version++;
  }

  function put(id: number, body: string | null, category: string | null, n: number | null) {
    rows.set(id, { id, body, category, n });
  }

  const runBoth = (command: 'embed' | 'watch') => pair.runBoth(command, rows.values(), version);

  it('embed, then watch over UPDATE (of the key too)/DELETE/MERGE/INSERT, give the same sink and counts', {
    timeout: 1_200_000,
  }, async () => {
    await commit(
      `CREATE TABLE ${table} (id BIGINT, body STRING, category STRING, n INT) USING DELTA TBLPROPERTIES (delta.enableChangeDataFeed = true)`,
    );
    await commit(
      `INSERT INTO ${table} VALUES (1, 'reset my password', 'auth', 1), (2, 'reset my password', 'auth', 2), (3, NULL, 'misc', 3), (4, '   ', 'misc', 4), (5, 'billing question', 'billing', 5), (6, 'login fails on mobile', 'auth', 6), (7, 'refund please', 'billing', 7), (8, 'dark mode request', 'ui', 8)`,
    );
    put(1, 'reset my password', 'auth', 1);
    put(2, 'reset my password', 'auth', 2);
    put(3, null, 'misc', 3);
    put(4, '   ', 'misc', 4);
    put(5, 'billing question', 'billing', 5);
    put(6, 'login fails on mobile', 'auth', 6);
    put(7, 'refund please', 'billing', 7);
    put(8, 'dark mode request', 'ui', 8);

    const embed = await runBoth('embed');
    expect(embed.points).toBe(6);
    expect(embed.native).toMatchObject({ rowsEmbedded: 5, rowsDeleted: 0 });

    // Text edit, a metadata-only edit, a delete, a MERGE (update + delete + insert), an insert.
    await commit(`UPDATE ${table} SET body = 'billing question (edited)' WHERE id = 5`);
    put(5, 'billing question (edited)', 'billing', 5);
    await commit(`UPDATE ${table} SET n = 60 WHERE id = 8`);
    put(8, 'dark mode request', 'ui', 60);
    await commit(`DELETE FROM ${table} WHERE id = 6`);
    rows.delete(6);
    await commit(
      `MERGE INTO ${table} AS t USING (SELECT * FROM VALUES (1L, 'reset my password now', 'u'), (7L, NULL, 'd'), (3L, 'text for a null row', 'u'), (9L, 'reset my password', 'i') AS s(id, body, op)) AS s ON t.id = s.id
       WHEN MATCHED AND s.op = 'd' THEN DELETE
       WHEN MATCHED THEN UPDATE SET body = s.body
       WHEN NOT MATCHED THEN INSERT (id, body, category, n) VALUES (s.id, s.body, 'merged', 9)`,
    );
    put(1, 'reset my password now', 'auth', 1);
    rows.delete(7);
    put(3, 'text for a null row', 'misc', 3);
    put(9, 'reset my password', 'merged', 9);
    await commit(
      `INSERT INTO ${table} VALUES (10, 'brand new ticket', 'misc', 10), (11, NULL, 'misc', 11)`,
    );
    put(10, 'brand new ticket', 'misc', 10);
    put(11, null, 'misc', 11);

    const watch = await runBoth('watch');
    expect(watch.points).toBe(7);
    expect(watch.native.bootstrapped).toBe(false);

    // Text to null (a delete in the sink), a text back to a value another key holds, then idle.
    await commit(`UPDATE ${table} SET body = NULL WHERE id = 2`);
    put(2, null, 'auth', 2);
    await commit(`UPDATE ${table} SET body = 'brand new ticket' WHERE id = 4`);
    put(4, 'brand new ticket', 'misc', 4);
    // UPDATEs of the key: a row moves to a new key (the old one only in a pre-image), two swap.
    await commit(`UPDATE ${table} SET id = 20 WHERE id = 10`);
    rows.delete(10);
    put(20, 'brand new ticket', 'misc', 10);
    await commit(
      `UPDATE ${table} SET id = CASE id WHEN 5 THEN 8 WHEN 8 THEN 5 END WHERE id IN (5, 8)`,
    );
    put(8, 'billing question (edited)', 'billing', 5);
    put(5, 'dark mode request', 'ui', 60);
    const second = await runBoth('watch');
    expect(second.points).toBe(7);

    const idle = await runBoth('watch');
    expect(idle.native).toMatchObject({ rowsProcessed: 0, rowsEmbedded: 0 });
  });
});
