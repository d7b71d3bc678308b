import { describe, expect, test } from 'vitest';
import { createDeltaSource } from '../source/delta-source.js';
import { changesFor, loadExpected } from '../testing/expected-results.js';
import { fixture, readChanges, readSnapshot, rowKey, sortRows } from '../testing/fixtures.js';
import { createOverlayFileSystem } from '../testing/overlay-file-system.js';

// Every range Spark read is compared in fixtures-match-spark.test.ts; these tests pin what
// each table was written to prove.

const same = (rows: Record<string, unknown>[]) => sortRows(rows).map(rowKey);
const summary = (rows: Record<string, unknown>[], column = 'id') =>
  same(
    rows.map((row) => ({ key: row[column], type: row._change_type, version: row._commit_version })),
  );

describe('Change Data Feed of the fixture tables', () => {
  test('cdf-table: the end of the range defaults to the latest version', async () => {
    const expected = loadExpected('cdf-table');
    expect(same(await readChanges(fixture('cdf-table'), { fromVersion: 0 }))).toEqual(
      same(changesFor(expected, 0, expected.latestVersion).rows),
    );
  });

  test('cdf-table: UPDATEs that move rows between partitions are pre- and post-images', async () => {
    const changes = await readChanges(fixture('cdf-table'), { fromVersion: 1, toVersion: 1 });
    expect(summary(changes)).toEqual(
      summary(
        [2, 3, 4].flatMap((id) => [
          { id, _change_type: 'update_preimage', _commit_version: 1 },
          { id, _change_type: 'update_postimage', _commit_version: 1 },
        ]),
      ),
    );
  });

  test('cdf-table-simple: a remove-only DELETE, then a commit of cdc files only', async () => {
    const table = fixture('cdf-table-simple');
    const deletes = await readChanges(table, { fromVersion: 1, toVersion: 1 });
    expect(summary(deletes)).toEqual(
      summary(
        Array.from({ length: 10 }, (_, id) => ({
          id: BigInt(id),
          _change_type: 'delete',
          _commit_version: 1,
        })),
      ),
    );
    // version 2 adds no file (the snapshot stays empty), yet its cdc files hold 5 inserts
    expect(await readSnapshot(table, { version: 2 })).toEqual([]);
    expect(summary(await readChanges(table, { fromVersion: 2, toVersion: 2 }))).toEqual(
      summary(
        [20, 21, 22, 23, 24].map((id) => ({
          id: BigInt(id),
          _change_type: 'insert',
          _commit_version: 2,
        })),
      ),
    );
  });

  test('cdf-table-partitioned: a whole-partition DELETE is read from the removed files', async () => {
    const changes = await readChanges(fixture('cdf-table-partitioned'), {
      fromVersion: 2,
      toVersion: 2,
    });
    expect(same(changes.map(({ _commit_timestamp, ...row }) => row))).toEqual(
      same(
        [0n, 2n, 4n].map((id) => ({
          id,
          text: 'old',
          part: 0n,
          _change_type: 'delete',
          _commit_version: 2,
        })),
      ),
    );
  });

  test('cdf-table-data-change: OPTIMIZE (dataChange false) yields nothing', async () => {
    expect(
      await readChanges(fixture('cdf-table-data-change'), { fromVersion: 1, toVersion: 1 }),
    ).toEqual([]);
  });

  test('cdf-table-with-dv: deletion-vector differences, the same for any batch size', async () => {
    const expected = loadExpected('cdf-table-with-dv');
    const { rows } = changesFor(expected, 0, expected.latestVersion);
    for (const batchSize of [1, 3, 1000]) {
      const changes = await readChanges(fixture('cdf-table-with-dv'), {
        fromVersion: 0,
        batchSize,
      });
      expect(same(changes)).toEqual(same(rows));
    }
    // REORG PURGE drops the vectors with dataChange false: no change
    expect(
      await readChanges(fixture('cdf-table-with-dv'), { fromVersion: 4, toVersion: 4 }),
    ).toEqual([]);
  });

  test('cdc_ict_table: the In-Commit Timestamp is the commit timestamp, not commitInfo.timestamp', async () => {
    const expected = loadExpected('cdc_ict_table');
    const past = Date.parse('2023-05-12T06:50:06.883Z');
    // move version 1's ICT into the past: only a reader that uses the ICT follows it
    const fileSystem = createOverlayFileSystem({
      replace: {
        '_delta_log/00000000000000000001.json': (text) =>
          text.replace(/"inCommitTimestamp":\d+/, `"inCommitTimestamp":${past}`),
      },
    });
    const source = createDeltaSource({ path: fixture('cdc_ict_table'), fileSystem });
    const times = new Map<number, number>();
    for await (const batch of source.changes({ columns: ['name'], fromVersion: 1, toVersion: 2 }))
      for (const change of batch.changes) times.set(change.commitVersion, change.commitTimestamp);
    expect(times.get(1)).toBe(past);
    expect(new Date(times.get(2)!).toISOString()).toBe(expected.commitTimestamps['2']);
  });

  test('cdf-column-mapping-name-mode: cdc files with physical names', async () => {
    const changes = await readChanges(fixture('cdf-column-mapping-name-mode'), {
      fromVersion: 2,
      toVersion: 4,
    });
    expect(same(changes.map(({ _commit_timestamp, ...row }) => row))).toEqual(
      same([
        { id: 2n, name: 'Bob', value: 200, _change_type: 'update_preimage', _commit_version: 2 },
        { id: 2n, name: 'Bob', value: 250, _change_type: 'update_postimage', _commit_version: 2 },
        { id: 4n, name: 'David', value: 400, _change_type: 'insert', _commit_version: 3 },
        { id: 1n, name: 'Alice', value: 100, _change_type: 'delete', _commit_version: 4 },
      ]),
    );
  });

  test('projection: only the asked columns come back', async () => {
    const expected = loadExpected('cdf-table');
    const changes = await readChanges(fixture('cdf-table'), {
      fromVersion: 3,
      toVersion: 3,
      columns: ['name'],
    });
    expect(changes).toEqual([
      {
        name: 'Dennis',
        _change_type: 'delete',
        _commit_version: 3,
        _commit_timestamp: expected.commitTimestamps['3'],
      },
    ]);
  });
});
