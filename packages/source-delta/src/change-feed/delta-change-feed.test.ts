import { describe, expect, test } from 'vitest';
import { type FlatChange, fixture, readChanges, rowKey, sortRows } from '../testing/fixtures.js';

/** Compact expected rows: [values..., change type, version], in the table's column order. */
function expand(
  columns: string[],
  rows: unknown[][],
  timestamps?: Record<number, string>,
): Record<string, unknown>[] {
  return rows.map((values) => {
    const row: Record<string, unknown> = {};
    columns.forEach((column, index) => {
      row[column] = values[index];
    });
    row._change_type = values[columns.length];
    row._commit_version = values[columns.length + 1];
    if (timestamps) row._commit_timestamp = timestamps[values[columns.length + 1] as number];
    return row;
  });
}

function withoutTimestamp(changes: FlatChange[]): Record<string, unknown>[] {
  return changes.map(({ _commit_timestamp, ...rest }) => rest);
}

function expectSameRows(
  actual: Record<string, unknown>[],
  expected: Record<string, unknown>[],
): void {
  expect(sortRows(actual).map(rowKey)).toEqual(sortRows(expected).map(rowKey));
}

describe('Change Data Feed of the shared fixtures', () => {
  test('cdf-table 0..3: cdc files for UPDATE/DELETE, 23 rows with delta-rs commit timestamps', async () => {
    const timestamps = {
      0: '2023-12-22T17:10:18.828Z',
      1: '2023-12-22T17:10:21.675Z',
      2: '2023-12-29T21:41:33.785Z',
      3: '2024-01-06T16:44:59.570Z',
    };
    const expected = expand(
      ['id', 'name', 'birthday'],
      [
        [1, 'Steve', '2023-12-22', 'insert', 0],
        [2, 'Bob', '2023-12-23', 'insert', 0],
        [3, 'Dave', '2023-12-23', 'insert', 0],
        [4, 'Kate', '2023-12-23', 'insert', 0],
        [5, 'Emily', '2023-12-24', 'insert', 0],
        [6, 'Carl', '2023-12-24', 'insert', 0],
        [7, 'Dennis', '2023-12-24', 'insert', 0],
        [8, 'Claire', '2023-12-25', 'insert', 0],
        [9, 'Ada', '2023-12-25', 'insert', 0],
        [10, 'Borb', '2023-12-25', 'insert', 0],
        [2, 'Bob', '2023-12-23', 'update_preimage', 1],
        [3, 'Dave', '2023-12-23', 'update_preimage', 1],
        [4, 'Kate', '2023-12-23', 'update_preimage', 1],
        [2, 'Bob', '2023-12-22', 'update_postimage', 1],
        [3, 'Dave', '2023-12-22', 'update_postimage', 1],
        [4, 'Kate', '2023-12-22', 'update_postimage', 1],
        [5, 'Emily', '2023-12-24', 'update_preimage', 2],
        [6, 'Carl', '2023-12-24', 'update_preimage', 2],
        [7, 'Dennis', '2023-12-24', 'update_preimage', 2],
        [5, 'Emily', '2023-12-29', 'update_postimage', 2],
        [6, 'Carl', '2023-12-29', 'update_postimage', 2],
        [7, 'Dennis', '2023-12-29', 'update_postimage', 2],
        [7, 'Dennis', '2023-12-29', 'delete', 3],
      ],
      timestamps,
    );
    expectSameRows(
      await readChanges(fixture('cdf-table'), { fromVersion: 0, toVersion: 3 }),
      expected,
    );
    // the end defaults to the latest version
    expectSameRows(await readChanges(fixture('cdf-table'), { fromVersion: 0 }), expected);
  });

  test('cdf-table-non-partitioned 0..4: an append without cdc is read from the added files', async () => {
    const timestamps = {
      0: '2024-04-14T15:58:26.249Z',
      1: '2024-04-14T15:58:29.393Z',
      2: '2024-04-14T15:58:31.257Z',
      3: '2024-04-14T15:58:32.495Z',
      4: '2024-04-14T15:58:33.444Z',
    };
    const base = (id: number, name: string, birthday: string, long: bigint) => [
      id,
      name,
      birthday,
      long,
      true,
      3.14,
      1,
    ];
    const expected = expand(
      ['id', 'name', 'birthday', 'long_field', 'boolean_field', 'double_field', 'smallint_field'],
      [
        [...base(1, 'Steve', '2024-04-14', 1n), 'insert', 0],
        [...base(2, 'Bob', '2024-04-15', 1n), 'insert', 0],
        [...base(3, 'Dave', '2024-04-15', 2n), 'insert', 0],
        [...base(4, 'Kate', '2024-04-15', 3n), 'insert', 0],
        [...base(5, 'Emily', '2024-04-16', 4n), 'insert', 0],
        [...base(6, 'Carl', '2024-04-16', 5n), 'insert', 0],
        [...base(7, 'Dennis', '2024-04-16', 6n), 'insert', 0],
        [...base(8, 'Claire', '2024-04-17', 7n), 'insert', 0],
        [...base(9, 'Ada', '2024-04-17', 8n), 'insert', 0],
        [...base(10, 'Borb', '2024-04-17', 99999999999999999n), 'insert', 0],
        [...base(2, 'Bob', '2024-04-15', 1n), 'update_preimage', 1],
        [...base(3, 'Dave', '2024-04-15', 2n), 'update_preimage', 1],
        [...base(4, 'Kate', '2024-04-15', 3n), 'update_preimage', 1],
        [...base(2, 'Bob', '2024-04-14', 1n), 'update_postimage', 1],
        [...base(3, 'Dave', '2024-04-14', 2n), 'update_postimage', 1],
        [...base(4, 'Kate', '2024-04-14', 3n), 'update_postimage', 1],
        [...base(5, 'Emily', '2024-04-16', 4n), 'update_preimage', 2],
        [...base(6, 'Carl', '2024-04-16', 5n), 'update_preimage', 2],
        [...base(7, 'Dennis', '2024-04-16', 6n), 'update_preimage', 2],
        [...base(5, 'Emily', '2024-04-14', 4n), 'update_postimage', 2],
        [...base(6, 'Carl', '2024-04-14', 5n), 'update_postimage', 2],
        [...base(7, 'Dennis', '2024-04-14', 6n), 'update_postimage', 2],
        [...base(7, 'Dennis', '2024-04-14', 6n), 'delete', 3],
        [...base(1, 'Alex', '2024-04-14', 1n), 'insert', 4],
        [...base(2, 'Alan', '2024-04-15', 1n), 'insert', 4],
      ],
      timestamps,
    );
    expectSameRows(
      await readChanges(fixture('cdf-table-non-partitioned'), { fromVersion: 0, toVersion: 4 }),
      expected,
    );
  });

  test('cdf-table-simple: remove-only DELETE, cdc-only commit, and version ranges', async () => {
    const table = fixture('cdf-table-simple');
    const timestamps = {
      0: new Date(1734480103056).toISOString(),
      1: new Date(1734480105872).toISOString(),
      2: new Date(1734480106177).toISOString(),
    };
    const inserts0 = expand(
      ['id'],
      Array.from({ length: 10 }, (_, id) => [BigInt(id), 'insert', 0]),
      timestamps,
    );
    const deletes1 = expand(
      ['id'],
      Array.from({ length: 10 }, (_, id) => [BigInt(id), 'delete', 1]),
      timestamps,
    );
    const inserts2 = expand(
      ['id'],
      [20n, 21n, 22n, 23n, 24n].map((id) => [id, 'insert', 2]),
      timestamps,
    );
    expectSameRows(await readChanges(table, { fromVersion: 0, toVersion: 0 }), inserts0);
    expectSameRows(await readChanges(table, { fromVersion: 1, toVersion: 1 }), deletes1);
    expectSameRows(await readChanges(table, { fromVersion: 2, toVersion: 2 }), inserts2);
    expectSameRows(await readChanges(table, { fromVersion: 0, toVersion: 2 }), [
      ...inserts0,
      ...deletes1,
      ...inserts2,
    ]);
  });

  test('cdf-table-partitioned 0..2: MERGE with cdc, whole-partition DELETE from the removes', async () => {
    const timestamps = {
      0: new Date(1734480115436).toISOString(),
      1: new Date(1734480116813).toISOString(),
      2: new Date(1734480117294).toISOString(),
    };
    const expected = expand(
      ['id', 'text', 'part'],
      [
        [0n, 'old', 0n, 'insert', 0],
        [1n, 'old', 1n, 'insert', 0],
        [2n, 'old', 0n, 'insert', 0],
        [3n, 'old', 1n, 'insert', 0],
        [4n, 'old', 0n, 'insert', 0],
        [5n, 'old', 1n, 'insert', 0],
        [3n, 'old', 1n, 'delete', 1],
        [1n, 'old', 1n, 'update_preimage', 1],
        [1n, 'new', 1n, 'update_postimage', 1],
        [0n, 'old', 0n, 'delete', 2],
        [2n, 'old', 0n, 'delete', 2],
        [4n, 'old', 0n, 'delete', 2],
      ],
      timestamps,
    );
    expectSameRows(
      await readChanges(fixture('cdf-table-partitioned'), { fromVersion: 0, toVersion: 2 }),
      expected,
    );
  });

  test('cdf-table-data-change 0..1: OPTIMIZE (dataChange false) yields nothing', async () => {
    const timestamps = { 0: new Date(1734480111175).toISOString() };
    const expected = expand(
      ['id'],
      Array.from({ length: 10 }, (_, id) => [BigInt(id), 'insert', 0]),
      timestamps,
    );
    expectSameRows(
      await readChanges(fixture('cdf-table-data-change'), { fromVersion: 0, toVersion: 1 }),
      expected,
    );
  });

  test('cdf-table-with-dv 0..6: deletion-vector differences, the same for any batch size', async () => {
    const rows: unknown[][] = [
      ...Array.from({ length: 10 }, (_, value) => [value, 'insert', 0]),
      [0, 'delete', 1],
      [9, 'delete', 1],
      [0, 'insert', 2],
      [9, 'insert', 2],
      ...[0, 1, 4, 5].map((value) => [value, 'delete', 3]),
      [1, 'insert', 4],
      [4, 'insert', 4],
      [0, 'insert', 5],
      [5, 'insert', 5],
      [3, 'delete', 5],
      [3, 'insert', 6],
    ];
    const expected = expand(['value'], rows);
    for (const batchSize of [1, 3, 1000]) {
      // no commitInfo in this table: the timestamp can only be the file time, so it is not compared
      const changes = await readChanges(fixture('cdf-table-with-dv'), {
        fromVersion: 0,
        toVersion: 6,
        batchSize,
      });
      expectSameRows(withoutTimestamp(changes), expected);
    }
  });

  test('checkpoint-cdf-table 3..5: the start snapshot comes from the checkpoint', async () => {
    const timestamps = {
      3: '2024-01-06T16:44:59.570Z',
      4: '2025-01-06T16:33:18.167Z',
      5: '2025-01-06T16:38:19.623Z',
    };
    const expected = expand(
      ['id', 'name', 'birthday'],
      [
        [7, 'Dennis', '2023-12-29', 'delete', 3],
        [11, 'Ossama', '2024-12-30', 'insert', 4],
        [12, 'Nick', '2023-12-29', 'insert', 4],
        [13, 'Ryan', '2023-12-22', 'insert', 4],
        [14, 'Zach', '2023-12-25', 'insert', 4],
        [11, 'Ossama', '2024-12-30', 'update_preimage', 5],
        [12, 'Nick', '2023-12-29', 'update_preimage', 5],
        [13, 'Ryan', '2023-12-22', 'update_preimage', 5],
        [14, 'Zach', '2023-12-25', 'update_preimage', 5],
        [12, 'Ossama', '2024-12-30', 'update_postimage', 5],
        [13, 'Nick', '2023-12-29', 'update_postimage', 5],
        [14, 'Ryan', '2023-12-22', 'update_postimage', 5],
        [15, 'Zach', '2023-12-25', 'update_postimage', 5],
      ],
      timestamps,
    );
    expectSameRows(
      await readChanges(fixture('checkpoint-cdf-table'), { fromVersion: 3, toVersion: 5 }),
      expected,
    );
  });

  test('cdc_ict_table: In-Commit Timestamps drive the commit timestamp', async () => {
    const timestamps = {
      1: '2023-05-12T06:50:06.883Z',
      2: '2026-07-12T16:36:52.175Z',
      3: '2026-07-12T16:36:53.881Z',
    };
    const later = expand(
      ['name', 'birthyear', 'age'],
      [
        ['Dan', 1995, 14, 'delete', 2],
        ['Dave', 1995, 22, 'delete', 2],
        ['Kate', 1995, 36, 'update_preimage', 3],
        ['Steve', 1986, 40, 'update_preimage', 3],
        ['Kate', 1995, 37, 'update_postimage', 3],
        ['Steve', 1986, 41, 'update_postimage', 3],
      ],
      timestamps,
    );
    const inserts = expand(
      ['name', 'birthyear', 'age'],
      [
        ['Dan', 1995, 14, 'insert', 1],
        ['Dave', 1995, 22, 'insert', 1],
        ['Kate', 1995, 36, 'insert', 1],
        ['Steve', 1986, 40, 'insert', 1],
      ],
      timestamps,
    );
    expectSameRows(
      await readChanges(fixture('cdc_ict_table'), { fromVersion: 2, toVersion: 3 }),
      later,
    );
    expectSameRows(await readChanges(fixture('cdc_ict_table'), { fromVersion: 0, toVersion: 3 }), [
      ...inserts,
      ...later,
    ]);
  });

  test('cdf-column-mapping-name-mode 1..4: cdc files with physical names', async () => {
    const expected = expand(
      ['id', 'name', 'value'],
      [
        [2n, 'Bob', 200, 'update_preimage', 2],
        [2n, 'Bob', 250, 'update_postimage', 2],
        [4n, 'David', 400, 'insert', 3],
        [1n, 'Alice', 100, 'delete', 4],
      ],
    );
    expectSameRows(
      withoutTimestamp(
        await readChanges(fixture('cdf-column-mapping-name-mode'), {
          fromVersion: 1,
          toVersion: 4,
        }),
      ),
      expected,
    );
  });

  test('projection: only the asked columns come back', async () => {
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
        _commit_timestamp: '2024-01-06T16:44:59.570Z',
      },
    ]);
  });
});
