// The Spark engine on tables other than a path with a full history: a catalog table by
// name, a table without Change Data Feed, a missing table, an unreachable server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SparkConnectClient } from '@drift-spark/spark-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSparkDeltaSource } from './spark-delta-source.js';
import { collect, failure, sparkForTests } from './testing/spark-test-helpers.js';

let spark: SparkConnectClient;
let directory: string;
let plainPath: string;
const namedTable = `drift_it_${process.pid}_${Date.now()}`;

beforeAll(async () => {
  spark = sparkForTests();
  directory = mkdtempSync(join(tmpdir(), 'drift-spark-delta-'));
  plainPath = join(directory, 'no_cdf');
  await spark.execute(`CREATE TABLE delta.\`${plainPath}\` (id BIGINT, text STRING) USING DELTA`);
  await spark.execute(`INSERT INTO delta.\`${plainPath}\` VALUES (1, 'x')`);
  await spark.execute(
    `CREATE TABLE ${namedTable} (id BIGINT, text STRING) USING DELTA TBLPROPERTIES (delta.enableChangeDataFeed = true)`,
  );
  await spark.execute(`INSERT INTO ${namedTable} VALUES (1, 'one'), (2, 'two')`);
  await spark.execute(`DELETE FROM ${namedTable} WHERE id = 1`);
});

afterAll(async () => {
  if (spark) {
    await spark.execute(`DROP TABLE IF EXISTS ${namedTable}`).catch(() => undefined);
    await spark.close();
  }
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('Spark engine on catalog tables, tables without a change feed, and failures', () => {
  it('reads a catalog table by name, with the same changes as Spark SQL', async () => {
    const engine = createSparkDeltaSource({
      table: `spark_catalog.default.${namedTable}`,
      client: spark,
    });
    const description = await engine.describe();
    expect(description).toMatchObject({ latestVersion: 2, changeFeed: true });
    const changes = (await collect(engine.changes({ columns: ['id', 'text'], fromVersion: 1 })))
      .flatMap((batch) => batch.changes)
      .map((change) => [change.commitVersion, change.type, change.row] as const)
      .sort((a, b) => a[0] - b[0] || Number((a[2].id as bigint) - (b[2].id as bigint)));
    expect(changes).toEqual([
      [1, 'insert', { id: 1n, text: 'one' }],
      [1, 'insert', { id: 2n, text: 'two' }],
      [2, 'delete', { id: 1n, text: 'one' }],
    ]);
    const fromSql = await spark
      .sql(
        `SELECT id, text, _change_type, _commit_version FROM table_changes('${namedTable}', 1, 2) ORDER BY _commit_version, id`,
      )
      .collect();
    expect(
      fromSql.map((row) => [
        Number(row._commit_version),
        row._change_type,
        { id: row.id, text: row.text },
      ]),
    ).toEqual(changes);
  });

  it('names a missing table', async () => {
    const byName = await failure(
      createSparkDeltaSource({
        table: 'spark_catalog.default.drift_no_such_table',
        client: spark,
      }).describe(),
    );
    expect(byName).toMatchObject({ code: 'source', reason: 'table-not-found' });
    expect(byName.message).toContain('drift_no_such_table');
    const byPath = await failure(
      createSparkDeltaSource({ table: join(directory, 'missing'), client: spark }).describe(),
    );
    expect(['table-not-found', 'not-a-delta-table']).toContain(byPath.reason);
    expect(byPath.message).toContain(join(directory, 'missing'));
  });

  it('says when a table has no Change Data Feed', async () => {
    const engine = createSparkDeltaSource({ table: plainPath, client: spark });
    expect((await engine.describe()).changeFeed).toBe(false);
    const error = await failure(collect(engine.changes({ columns: ['id'], fromVersion: 0 })));
    expect(error).toMatchObject({ code: 'source', reason: 'cdf-not-enabled' });
    expect(error.message).toContain('delta.enableChangeDataFeed');
  });

  it('says when the Spark server cannot be reached', async () => {
    const engine = createSparkDeltaSource({ table: plainPath, remote: 'sc://127.0.0.1:1' });
    const error = await failure(engine.describe());
    await engine.close?.();
    expect(error).toMatchObject({ code: 'source', reason: 'spark-unavailable', isRetryable: true });
    expect(error.message).toContain('127.0.0.1:1');
  });
});
