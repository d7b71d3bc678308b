import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet/src/node.js';
import { describe, expect, test } from 'vitest';
import { createDeltaSource } from '../source/delta-source.js';
import { fixture, readSnapshot, rowKey, sortRows } from '../testing/fixtures.js';
import { createOverlayFileSystem } from '../testing/overlay-file-system.js';

const ids = (rows: Record<string, unknown>[], column = 'id') =>
  rows.map((row) => row[column]).sort((a, b) => Number(a) - Number(b));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);
const longs = (values: number[]) => values.map((value) => BigInt(value));

async function golden(name: string): Promise<Record<string, unknown>[]> {
  const directory = fixture(`${name}/expected`);
  const rows: Record<string, unknown>[] = [];
  for (const file of (await readdir(directory)).filter((entry) => entry.endsWith('.parquet'))) {
    rows.push(
      ...(await parquetReadObjects({
        file: await asyncBufferFromFile(path.join(directory, file)),
      })),
    );
  }
  return rows;
}

describe('snapshots of the shared fixtures', () => {
  test('cdf-table: latest version drops the deleted row and keeps the updated partitions', async () => {
    const rows = sortRows(await readSnapshot(fixture('cdf-table')));
    expect(rows.map(rowKey)).toEqual(
      sortRows([
        { id: 1, name: 'Steve', birthday: '2023-12-22' },
        { id: 2, name: 'Bob', birthday: '2023-12-22' },
        { id: 3, name: 'Dave', birthday: '2023-12-22' },
        { id: 4, name: 'Kate', birthday: '2023-12-22' },
        { id: 5, name: 'Emily', birthday: '2023-12-29' },
        { id: 6, name: 'Carl', birthday: '2023-12-29' },
        { id: 8, name: 'Claire', birthday: '2023-12-25' },
        { id: 9, name: 'Ada', birthday: '2023-12-25' },
        { id: 10, name: 'Borb', birthday: '2023-12-25' },
      ]).map(rowKey),
    );
  });

  test('cdf-table-non-partitioned: 11 rows, a long above 2^53 kept exact as bigint', async () => {
    const rows = await readSnapshot(fixture('cdf-table-non-partitioned'));
    expect(rows).toHaveLength(11);
    expect(rows.map((row) => row.name).sort()).toEqual([
      'Ada',
      'Alan',
      'Alex',
      'Bob',
      'Borb',
      'Carl',
      'Claire',
      'Dave',
      'Emily',
      'Kate',
      'Steve',
    ]);
    const borb = rows.find((row) => row.name === 'Borb')!;
    expect(borb.long_field).toBe(99999999999999999n);
    expect(borb).toMatchObject({
      id: 10,
      boolean_field: true,
      double_field: 3.14,
      smallint_field: 1,
      birthday: '2024-04-17',
    });
  });

  test('cdf-table-simple: empty at the latest version, ids 0-9 at version 0', async () => {
    expect(await readSnapshot(fixture('cdf-table-simple'))).toEqual([]);
    expect(ids(await readSnapshot(fixture('cdf-table-simple'), { version: 0 }))).toEqual(
      longs(range(0, 9)),
    );
  });

  test('cdf-table-partitioned: partition values typed from the actions', async () => {
    expect(sortRows(await readSnapshot(fixture('cdf-table-partitioned'))).map(rowKey)).toEqual(
      [
        { id: 1n, text: 'new', part: 1n },
        { id: 5n, text: 'old', part: 1n },
      ].map(rowKey),
    );
  });

  test('cdf-table-data-change: OPTIMIZE rewrites files but not rows', async () => {
    expect(ids(await readSnapshot(fixture('cdf-table-data-change')))).toEqual(longs(range(0, 9)));
    expect(ids(await readSnapshot(fixture('cdf-table-data-change'), { version: 0 }))).toEqual(
      longs(range(0, 9)),
    );
  });

  test('cdf-table-with-dv: deletion vectors (on disk, inline, Z85 tail padding) hide rows', async () => {
    const table = fixture('cdf-table-with-dv');
    const values = async (version: number) => ids(await readSnapshot(table, { version }), 'value');
    expect(await values(0)).toEqual(range(0, 9));
    expect(await values(1)).toEqual(range(1, 8)); // on-disk DV {0, 9}
    expect(await values(2)).toEqual(range(0, 9));
    expect(await values(3)).toEqual([2, 3, 6, 7, 8, 9]); // inline DV {0, 1, 4, 5}
    expect(await values(4)).toEqual([1, 2, 3, 4, 6, 7, 8, 9]); // inline DV {0, 5}
    expect(await values(5)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]); // inline DV {3}, padded tail `##093`
    expect(await values(6)).toEqual(range(0, 9));
  });

  test('checkpoint-cdf-table: starts from the checkpoint at version 3 (commits 0-2 are gone)', async () => {
    const table = fixture('checkpoint-cdf-table');
    expect(ids(await readSnapshot(table))).toEqual([
      ...range(1, 6),
      ...range(8, 10),
      ...range(12, 15),
    ]);
    expect(ids(await readSnapshot(table, { version: 3 }))).toEqual([
      ...range(1, 6),
      ...range(8, 10),
    ]);
    await expect(readSnapshot(table, { version: 2 })).rejects.toMatchObject({
      code: 'source',
      reason: 'version-not-available',
    });
  });

  test('cdc_ict_table: latest rows after the delete and the update', async () => {
    expect(sortRows(await readSnapshot(fixture('cdc_ict_table'))).map(rowKey)).toEqual(
      [
        { name: 'Kate', birthyear: 1995, age: 37 },
        { name: 'Steve', birthyear: 1986, age: 41 },
      ].map(rowKey),
    );
  });

  test('cdf-column-mapping-name-mode: physical column names resolved to logical ones', async () => {
    expect(
      sortRows(await readSnapshot(fixture('cdf-column-mapping-name-mode'))).map(rowKey),
    ).toEqual(
      [
        { id: 2n, name: 'Bob', value: 250 },
        { id: 3n, name: 'Charlie', value: 300 },
        { id: 4n, name: 'David', value: 400 },
      ].map(rowKey),
    );
  });

  test('basic_partitioned: a null partition value is null', async () => {
    const rows = await readSnapshot(fixture('basic_partitioned'));
    expect(sortRows(rows).map(rowKey)).toEqual(
      sortRows([
        { letter: null, number: 6n, a_float: 6.6 },
        { letter: 'a', number: 1n, a_float: 1.1 },
        { letter: 'a', number: 4n, a_float: 4.4 },
        { letter: 'b', number: 2n, a_float: 2.2 },
        { letter: 'c', number: 3n, a_float: 3.3 },
        { letter: 'e', number: 5n, a_float: 5.5 },
      ]).map(rowKey),
    );
  });

  test('basic-with-inserts-deletes-checkpoint: 41 rows, equal to the golden expected/ output', async () => {
    const rows = await readSnapshot(fixture('basic-with-inserts-deletes-checkpoint/delta'));
    expect(ids(rows)).toEqual(
      longs([
        ...range(0, 4),
        ...range(10, 14),
        ...range(20, 24),
        ...range(30, 34),
        ...range(40, 44),
        ...range(50, 65),
      ]),
    );
    expect(sortRows(rows).map(rowKey)).toEqual(
      sortRows(await golden('basic-with-inserts-deletes-checkpoint')).map(rowKey),
    );
  });

  test('basic-with-inserts-deletes-checkpoint: time travel row counts', async () => {
    const table = fixture('basic-with-inserts-deletes-checkpoint/delta');
    const counts: Record<number, number> = {};
    for (const version of [0, 4, 9, 10, 12])
      counts[version] = (await readSnapshot(table, { version })).length;
    expect(counts).toEqual({ 0: 10, 4: 50, 9: 25, 10: 35, 12: 55 });
  });

  test('version 10 is rebuilt from the checkpoint alone, and _last_checkpoint is only a hint', async () => {
    const reads: string[] = [];
    const fileSystem = createOverlayFileSystem({
      reads,
      // a corrupt hint must not matter: the listing is authoritative
      replace: { '_delta_log/_last_checkpoint': () => '{not json' },
    });
    const source = createDeltaSource({
      path: fixture('basic-with-inserts-deletes-checkpoint/delta'),
      fileSystem,
    });
    let count = 0;
    for await (const batch of source.scan({ columns: ['id'], version: 10 }))
      count += batch.rows.length;
    expect(count).toBe(35);
    const logReads = reads
      .filter((read) => read.includes('_delta_log'))
      .map((read) => path.basename(read));
    expect(logReads).toEqual(['00000000000000000010.checkpoint.parquet']);
  });

  test('multi-part-checkpoint: both parts read, 31 rows equal to golden', async () => {
    const rows = await readSnapshot(fixture('multi-part-checkpoint/delta'));
    expect(ids(rows)).toEqual(longs([0, ...range(0, 29)]));
    expect(sortRows(rows).map(rowKey)).toEqual(
      sortRows(await golden('multi-part-checkpoint')).map(rowKey),
    );
  });

  test('multi-part-checkpoint: an incomplete multi-part checkpoint is ignored', async () => {
    const reads: string[] = [];
    const fileSystem = createOverlayFileSystem({
      reads,
      hide: ['00000000000000000001.checkpoint.0000000002.0000000002.parquet'],
    });
    const source = createDeltaSource({ path: fixture('multi-part-checkpoint/delta'), fileSystem });
    let count = 0;
    for await (const batch of source.scan({ columns: ['id'] })) count += batch.rows.length;
    expect(count).toBe(31);
    expect(reads.some((read) => read.includes('.checkpoint.'))).toBe(false);
  });

  test('v2-checkpoint-parquet: UUID-named V2 checkpoint with sidecars, equal to golden', async () => {
    const reads: string[] = [];
    const source = createDeltaSource({
      path: fixture('v2-checkpoint-parquet/delta'),
      fileSystem: createOverlayFileSystem({ reads }),
    });
    const rows = [];
    for await (const batch of source.scan({ columns: ['id'] })) rows.push(...batch.rows);
    expect(ids(rows)).toEqual(longs(range(0, 9)));
    expect(sortRows(rows).map(rowKey)).toEqual(
      sortRows(await golden('v2-checkpoint-parquet')).map(rowKey),
    );
    expect(reads.filter((read) => read.includes('_sidecars'))).toHaveLength(2);
  });
});
