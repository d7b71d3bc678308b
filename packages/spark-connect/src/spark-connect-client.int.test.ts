import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSparkConnectClient, type SparkConnectClient } from './spark-connect-client.js';
import { sparkFailure } from './testing/spark-failure.js';
import { sparkRemoteForTests } from './testing/spark-remote.js';

let spark: SparkConnectClient;
let directory: string;

beforeAll(() => {
  spark = createSparkConnectClient({ remote: sparkRemoteForTests() });
  directory = mkdtempSync(join(tmpdir(), 'drift-spark-connect-'));
});

afterAll(async () => {
  await spark?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('Spark Connect client against a real Spark server', () => {
  it('reads the server version', async () => {
    expect(await spark.sparkVersion()).toMatch(/^4\.\d+\.\d+/);
  });

  it('streams a query in Arrow batches with 64-bit integers as bigint', async () => {
    const result = spark.sql(
      "SELECT id, concat('row ', id) AS text, id * 4294967296 AS big FROM range(0, 20000)",
    );
    let rows = 0;
    let batches = 0;
    let last: Record<string, unknown> | undefined;
    for await (const page of result.rows()) {
      batches++;
      rows += page.length;
      last = page[page.length - 1];
    }
    expect(rows).toBe(20000);
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(last).toEqual({ id: 19999n, text: 'row 19999', big: 19999n * 4294967296n });
    expect(result.fields?.map((field) => `${field.name}:${field.type}`)).toEqual([
      'id:bigint',
      'text:string',
      'big:bigint',
    ]);
  });

  it('reads a schema without running the query', async () => {
    expect(
      await spark.schema(
        "SELECT CAST(1 AS INT) AS a, 'x' AS b, CAST(1.5 AS DECIMAL(10,2)) AS c, array(1L) AS d",
      ),
    ).toEqual([
      { name: 'a', type: 'int', nullable: false },
      { name: 'b', type: 'string', nullable: false },
      { name: 'c', type: 'decimal(10,2)', nullable: false },
      { name: 'd', type: 'array<bigint>', nullable: false },
    ]);
  });

  it('sets and reads session config', async () => {
    await spark.config.set({ 'spark.sql.shuffle.partitions': '3' });
    expect(await spark.config.get(['spark.sql.shuffle.partitions', 'drift.never.set'])).toEqual({
      'spark.sql.shuffle.partitions': '3',
      'drift.never.set': undefined,
    });
  });

  it('runs DDL and DML on a Delta table and reads its change feed', async () => {
    const path = join(directory, 'people');
    const table = `delta.\`${path}\``;
    await spark.execute(
      `CREATE TABLE ${table} (id BIGINT, name STRING) USING DELTA TBLPROPERTIES (delta.enableChangeDataFeed = true)`,
    );
    await spark.execute(`INSERT INTO ${table} VALUES (1, 'ann'), (2, 'bob')`);
    await spark.execute(`UPDATE ${table} SET name = 'bobby' WHERE id = 2`);
    await spark.execute(`DELETE FROM ${table} WHERE id = 1`);
    const changes = await spark
      .sql(
        `SELECT id, name, _change_type, _commit_version FROM table_changes_by_path('${path}', 1, 3) ORDER BY _commit_version, _change_type, id`,
      )
      .collect();
    expect(changes).toEqual([
      { id: 1n, name: 'ann', _change_type: 'insert', _commit_version: 1n },
      { id: 2n, name: 'bob', _change_type: 'insert', _commit_version: 1n },
      { id: 2n, name: 'bobby', _change_type: 'update_postimage', _commit_version: 2n },
      { id: 2n, name: 'bob', _change_type: 'update_preimage', _commit_version: 2n },
      { id: 1n, name: 'ann', _change_type: 'delete', _commit_version: 3n },
    ]);
    const detail = await spark.execute(`DESCRIBE DETAIL ${table}`);
    expect(detail[0]).toMatchObject({ format: 'delta' });
    expect(String(detail[0]?.id)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names a missing table with its Spark error class and SQL state', async () => {
    const error = await sparkFailure(spark.sql('SELECT * FROM drift_no_such_table').collect());
    expect(error.code).toBe('spark-connect/spark');
    expect(error.errorClass).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect(error.sqlState).toBe('42P01');
    expect(error.message).toContain('drift_no_such_table');
  });

  it('reports a syntax error with its class', async () => {
    const error = await sparkFailure(spark.sql('SELEC 1').collect());
    expect(error.errorClass).toBe('PARSE_SYNTAX_ERROR');
    expect(error.message).toContain('SELEC');
  });

  it('reports a wrong address as unavailable', async () => {
    const wrong = createSparkConnectClient({ remote: 'sc://127.0.0.1:1' });
    const error = await sparkFailure(wrong.sparkVersion());
    await wrong.close();
    expect(error.code).toBe('spark-connect/unavailable');
    expect(error.message).toContain('127.0.0.1:1');
  });

  it('aborts a long query and leaves the session usable', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = await sparkFailure(
      spark
        .sql('SELECT count(*) FROM range(0, 100000000000)', { signal: controller.signal })
        .collect(),
    );
    expect(error.code).toBe('spark-connect/aborted');
    expect(await spark.sql('SELECT 1 AS one').collect()).toEqual([{ one: 1 }]);
  });
});
