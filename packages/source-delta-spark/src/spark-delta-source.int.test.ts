import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Change,
  type ChangeBatch,
  contentHash,
  type RowBatch,
  type Source,
} from '@drift-spark/core';
import { createDeltaSource } from '@drift-spark/source-delta';
import type { SparkConnectClient } from '@drift-spark/spark-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSparkDeltaSource } from './spark-delta-source.js';
import { HASH_SUFFIX } from './spark-projection.js';
import { collect, failure, sparkForTests } from './testing/spark-test-helpers.js';

let spark: SparkConnectClient;
let directory: string;
let path: string;

interface FlatChange {
  type: string;
  version: number;
  timestamp: number;
  id: bigint;
  text: string | null;
  at: string | null;
}

const flatten = (batches: ChangeBatch[]): FlatChange[] =>
  batches
    .flatMap((batch) => batch.changes)
    .map((change: Change) => ({
      type: change.type,
      version: change.commitVersion,
      timestamp: change.commitTimestamp,
      id: change.row.id as bigint,
      text: change.row.text as string | null,
      at: change.row.at as string | null,
    }))
    .sort(byVersionTypeKey);

function byVersionTypeKey(a: FlatChange, b: FlatChange): number {
  return (
    a.version - b.version ||
    a.type.localeCompare(b.type) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

const scanRows = (batches: RowBatch[]) =>
  batches
    .flatMap((batch) => batch.rows)
    .sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : 1));

beforeAll(async () => {
  spark = sparkForTests();
  directory = mkdtempSync(join(tmpdir(), 'drift-spark-delta-'));
  path = join(directory, 'docs');
  const table = `delta.\`${path}\``;
  // v0 create, v1 insert, v2 update, v3 delete, v4 merge (update + insert + delete), all with CDF and In-Commit Timestamps
  await spark.execute(
    `CREATE TABLE ${table} (id BIGINT, text STRING, score DOUBLE, at TIMESTAMP) USING DELTA TBLPROPERTIES (delta.enableChangeDataFeed = true, delta.enableInCommitTimestamps = true)`,
  );
  await spark.execute(
    `INSERT INTO ${table} VALUES (1, 'alpha', 1.5, TIMESTAMP'2024-01-02 03:04:05.678901'), (2, 'beta', 2.0, NULL), (3, 'gamma ✓ unicode', 3.0, TIMESTAMP'1969-12-31 23:59:59.5'), (4, 'delta', 4.0, NULL), (5, NULL, 5.0, NULL), (9007199254740993, 'big key', 6.0, NULL)`,
  );
  await spark.execute(`UPDATE ${table} SET text = concat(text, ' (edited)') WHERE id IN (2, 3)`);
  await spark.execute(`DELETE FROM ${table} WHERE id = 4`);
  await spark.execute(
    `MERGE INTO ${table} AS t USING (SELECT * FROM VALUES (1L, 'alpha v2', 'u'), (5L, NULL, 'd'), (7L, 'eta', 'i') AS s(id, text, op)) AS s ON t.id = s.id
     WHEN MATCHED AND s.op = 'd' THEN DELETE
     WHEN MATCHED THEN UPDATE SET t.text = s.text
     WHEN NOT MATCHED THEN INSERT (id, text, score, at) VALUES (s.id, s.text, 7.0, NULL)`,
  );
});

afterAll(async () => {
  await spark?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('Spark engine against a real Spark, held against Spark SQL and the native reader', () => {
  it('has the same id, latest version and columns as the native reader', async () => {
    const engine = createSparkDeltaSource({ table: path, client: spark });
    const native = createDeltaSource({ path });
    const [fromSpark, fromNative] = await Promise.all([engine.describe(), native.describe()]);
    expect(fromSpark.id).toMatch(/^[0-9a-f-]{36}$/);
    // The native reader also counts the rows from the log's statistics; Spark reports none.
    const { rowCount, ...nativeWithoutCount } = fromNative;
    expect(rowCount).toBeGreaterThan(0);
    expect(fromSpark).toEqual(nativeWithoutCount);
    expect(fromSpark.latestVersion).toBe(4);
    expect(engine.id).toBe(native.id);
  });

  it('reads the same changes for versions 1..4 as Spark table_changes and the native reader, row for row', async () => {
    const sqlRows = await spark
      .sql(
        `SELECT id, text, unix_micros(at) AS at, _change_type, _commit_version, unix_millis(_commit_timestamp) AS ts FROM table_changes_by_path('${path}', 1, 4)`,
      )
      .collect();
    const fromSql: FlatChange[] = sqlRows
      .map((row) => ({
        type: row._change_type as string,
        version: Number(row._commit_version),
        timestamp: Number(row.ts),
        id: row.id as bigint,
        text: row.text as string | null,
        at: row.at === null ? null : (row.at as bigint).toString(),
      }))
      .sort(byVersionTypeKey);
    const engine = createSparkDeltaSource({ table: path, client: spark });
    const fromEngine = flatten(
      await collect(
        engine.changes({
          columns: ['id', 'text', 'at'],
          fromVersion: 1,
          toVersion: 4,
          batchSize: 3,
        }),
      ),
    );
    const fromNative = flatten(
      await collect(
        createDeltaSource({ path }).changes({
          columns: ['id', 'text', 'at'],
          fromVersion: 1,
          toVersion: 4,
        }),
      ),
    );

    // What a user would check: every kind of change is there, on the right keys.
    expect(fromEngine.map((change) => `${change.version}:${change.type}:${change.id}`)).toEqual([
      '1:insert:1',
      '1:insert:2',
      '1:insert:3',
      '1:insert:4',
      '1:insert:5',
      '1:insert:9007199254740993',
      '2:update_postimage:2',
      '2:update_postimage:3',
      '2:update_preimage:2',
      '2:update_preimage:3',
      '3:delete:4',
      '4:delete:5',
      '4:insert:7',
      '4:update_postimage:1',
      '4:update_preimage:1',
    ]);
    expect(fromEngine).toEqual(fromNative);
    // Spark SQL gives raw microseconds; the engines give the canonical text for the same instant.
    expect(
      fromEngine.map((change) => ({ ...change, at: change.at === null ? null : 'set' })),
    ).toEqual(fromSql.map((change) => ({ ...change, at: change.at === null ? null : 'set' })));
    expect(fromEngine.find((change) => change.id === 1n && change.type === 'insert')?.at).toBe(
      '2024-01-02T03:04:05.678901Z',
    );
    expect(fromEngine.find((change) => change.id === 3n && change.type === 'insert')?.at).toBe(
      '1969-12-31T23:59:59.500000Z',
    );
    expect(fromSql.find((change) => change.id === 1n && change.type === 'insert')?.at).toBe(
      '1704164645678901',
    );
  });

  it('leaves update pre-images out, or sends only the columns asked of them, as the native reader does', async () => {
    const read = (source: Pick<Source, 'changes'>, extra: object) =>
      collect(
        source.changes!({ columns: ['id', 'text', 'at'], fromVersion: 1, toVersion: 4, ...extra }),
      ).then(flatten);
    const engine = createSparkDeltaSource({ table: path, client: spark });
    const native = createDeltaSource({ path });
    const all = await read(engine, {});
    const without = await read(engine, { preimages: false });
    expect(without).toEqual(all.filter((change) => change.type !== 'update_preimage'));
    const keysOnly = await read(engine, { preimageColumns: ['id'] });
    expect(keysOnly).toEqual(
      all.map((change) =>
        change.type === 'update_preimage' ? { ...change, text: null, at: null } : change,
      ),
    );
    expect(keysOnly.filter((change) => change.type === 'update_preimage')).toHaveLength(3);
    expect(without).toEqual(await read(native, { preimages: false }));
    expect(keysOnly).toEqual(await read(native, { preimageColumns: ['id'] }));
  });

  it('scans the same rows as the native reader at the latest version and at an older one', async () => {
    const engine = createSparkDeltaSource({ table: path, client: spark });
    const native = createDeltaSource({ path });
    for (const version of [undefined, 2]) {
      const fromEngine = await collect(
        engine.scan({
          columns: ['id', 'text', 'score'],
          ...(version === undefined ? {} : { version }),
        }),
      );
      const fromNative = await collect(
        native.scan({
          columns: ['id', 'text', 'score'],
          ...(version === undefined ? {} : { version }),
        }),
      );
      expect(fromEngine.every((batch) => batch.version === (version ?? 4))).toBe(true);
      expect(scanRows(fromEngine)).toEqual(scanRows(fromNative));
    }
    const latest = scanRows(await collect(engine.scan({ columns: ['id', 'text'] })));
    expect(latest).toEqual([
      { id: 1n, text: 'alpha v2' },
      { id: 2n, text: 'beta (edited)' },
      { id: 3n, text: 'gamma ✓ unicode (edited)' },
      { id: 7n, text: 'eta' },
      { id: 9007199254740993n, text: 'big key' },
    ]);
  });

  it('pushes text hashing into Spark: the hashes equal core contentHash of the texts', async () => {
    const engine = createSparkDeltaSource({ table: path, client: spark });
    const hashed = scanRows(
      await collect(engine.scan({ columns: ['id'], spark: { hashColumns: ['text'] } })),
    );
    const texts = scanRows(await collect(engine.scan({ columns: ['id', 'text'] })));
    expect(hashed.map((row) => row.id)).toEqual(texts.map((row) => row.id));
    for (const [index, row] of hashed.entries()) {
      expect(row).not.toHaveProperty('text');
      expect(row[`text${HASH_SUFFIX}`]).toBe(contentHash(texts[index]?.text as string));
    }
  });

  it('says when a version is out of range', async () => {
    const engine = createSparkDeltaSource({ table: path, client: spark });
    const scan = await failure(collect(engine.scan({ columns: ['id'], version: 99 })));
    expect(scan).toMatchObject({ code: 'source', reason: 'version-out-of-range' });
    expect(scan.message).toContain('latest version is 4');
    const changes = await failure(collect(engine.changes({ columns: ['id'], fromVersion: 5 })));
    expect(changes).toMatchObject({ code: 'source', reason: 'version-out-of-range' });
  });
});
