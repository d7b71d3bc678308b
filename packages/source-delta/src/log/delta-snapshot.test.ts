import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createDeltaSource } from '../source/delta-source.js';
import { latestSnapshot, loadExpected } from '../testing/expected-results.js';
import { fixture, readSnapshot, rowKey, sortRows } from '../testing/fixtures.js';
import { createOverlayFileSystem } from '../testing/overlay-file-system.js';

// Every version of every table is compared with Spark in fixtures-match-spark.test.ts; these
// tests pin what each table was written to prove, and how the log is read.

const ids = (rows: Record<string, unknown>[], column = 'id') =>
  rows.map((row) => row[column]).sort((a, b) => Number(a) - Number(b));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);
const longs = (values: number[]) => values.map((value) => BigInt(value));
const logFiles = (table: string, pattern: RegExp) =>
  readdirSync(path.join(fixture(table), '_delta_log')).filter((name) => pattern.test(name));

async function idsRead(table: string, fileSystem = createOverlayFileSystem({})) {
  const source = createDeltaSource({ path: fixture(table), fileSystem });
  const rows = [];
  for await (const batch of source.scan({ columns: ['id'] })) rows.push(...batch.rows);
  return ids(rows);
}

describe('snapshots of the fixture tables', () => {
  test('cdf-table-non-partitioned: a long above 2^53 is kept exact as bigint', async () => {
    const rows = await readSnapshot(fixture('cdf-table-non-partitioned'));
    expect(rows).toHaveLength(11);
    const borb = rows.find((row) => row.name === 'Borb')!;
    expect(borb.long_field).toBe(99999999999999999n);
    expect(borb).toMatchObject({
      id: 10,
      boolean_field: true,
      double_field: 3.14,
      smallint_field: 1,
    });
  });

  test('cdf-table-simple: empty at the latest version, ids 0-9 at version 0', async () => {
    expect(await readSnapshot(fixture('cdf-table-simple'))).toEqual([]);
    expect(ids(await readSnapshot(fixture('cdf-table-simple'), { version: 0 }))).toEqual(
      longs(range(0, 9)),
    );
  });

  test('cdf-table-data-change: OPTIMIZE rewrites files but not rows', async () => {
    expect(ids(await readSnapshot(fixture('cdf-table-data-change')))).toEqual(longs(range(0, 9)));
  });

  test('cdf-table-with-dv: deletion vectors hide rows, REORG PURGE keeps them hidden', async () => {
    const table = fixture('cdf-table-with-dv');
    const values = async (version: number) => ids(await readSnapshot(table, { version }), 'value');
    expect(await values(0)).toEqual(range(0, 9));
    expect(await values(1)).toEqual(range(1, 8)); // on-disk vector {0, 9}
    expect(await values(2)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(await values(3)).toEqual([1, 2, 4, 6, 7, 8, 105]);
    expect(await values(4)).toEqual([1, 2, 4, 6, 7, 8, 105]); // rewritten without vectors
    expect(await values(5)).toEqual([1, 2, 4, 6, 8, 105]);
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

  test('column-mapping-id-mode: a renamed column reads under its new name', async () => {
    const table = fixture('column-mapping-id-mode');
    expect(sortRows(await readSnapshot(table)).map(rowKey)).toEqual(
      [
        { id: 1n, label: 'a' },
        { id: 2n, label: 'b' },
        { id: 3n, label: 'c' },
      ].map(rowKey),
    );
    expect(await readSnapshot(table, { version: 0, columns: ['name'] })).toHaveLength(2);
  });

  test('basic_partitioned: a null partition value is null, `%` in a value is decoded once', async () => {
    const rows = sortRows(await readSnapshot(fixture('basic_partitioned')));
    const letters = rows.map((row) => row.letter);
    expect(new Set(letters)).toEqual(new Set([null, 'a', 'b', 'c', 'e', 'x%y z']));
    expect(rows.map(rowKey)).toEqual(
      sortRows(latestSnapshot(loadExpected('basic_partitioned')).rows).map(rowKey),
    );
  });

  test('basic-with-inserts-deletes-checkpoint: 41 rows and time-travel row counts', async () => {
    const table = fixture('basic-with-inserts-deletes-checkpoint');
    expect(ids(await readSnapshot(table))).toEqual(
      longs([
        ...range(0, 4),
        ...range(10, 14),
        ...range(20, 24),
        ...range(30, 34),
        ...range(40, 44),
        ...range(50, 65),
      ]),
    );
    const counts: Record<number, number> = {};
    for (const version of [0, 4, 9, 10, 12])
      counts[version] = (await readSnapshot(table, { version })).length;
    expect(counts).toEqual({ 0: 10, 4: 50, 9: 25, 10: 35, 12: 55 });
  }, 60_000);

  test('version 10 is rebuilt from the checkpoint alone, and _last_checkpoint is only a hint', async () => {
    expect(logFiles('basic-with-inserts-deletes-checkpoint', /^_last_checkpoint$/)).toHaveLength(1);
    const reads: string[] = [];
    const fileSystem = createOverlayFileSystem({
      reads,
      // a corrupt hint must not matter: the listing is authoritative
      replace: { '_delta_log/_last_checkpoint': () => '{not json' },
    });
    const source = createDeltaSource({
      path: fixture('basic-with-inserts-deletes-checkpoint'),
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

  test('multi-part-checkpoint: every part is read, 31 rows', async () => {
    const parts = logFiles('multi-part-checkpoint', /^0+1\.checkpoint\.\d+\.\d+\.parquet$/);
    expect(parts.length).toBeGreaterThan(1);
    const reads: string[] = [];
    expect(await idsRead('multi-part-checkpoint', createOverlayFileSystem({ reads }))).toEqual(
      longs([0, ...range(0, 29)]),
    );
    expect(
      reads
        .filter((read) => read.includes('.checkpoint.'))
        .map((read) => path.basename(read))
        .sort(),
    ).toEqual(parts.sort());
  });

  test('multi-part-checkpoint: an incomplete multi-part checkpoint is ignored', async () => {
    const parts = logFiles('multi-part-checkpoint', /^0+1\.checkpoint\.\d+\.\d+\.parquet$/).sort();
    const reads: string[] = [];
    const fileSystem = createOverlayFileSystem({ reads, hide: [parts[parts.length - 1]!] });
    expect(await idsRead('multi-part-checkpoint', fileSystem)).toEqual(longs([0, ...range(0, 29)]));
    expect(reads.some((read) => read.includes('0001.checkpoint.'))).toBe(false);
  });

  test('v2-checkpoint-parquet: UUID-named V2 checkpoint with sidecars', async () => {
    expect(
      logFiles('v2-checkpoint-parquet', /^0+2\.checkpoint\.[0-9a-f-]{36}\.parquet$/),
    ).toHaveLength(1);
    const sidecars = readdirSync(
      path.join(fixture('v2-checkpoint-parquet'), '_delta_log/_sidecars'),
    ).filter((name) => name.endsWith('.parquet'));
    const reads: string[] = [];
    expect(await idsRead('v2-checkpoint-parquet', createOverlayFileSystem({ reads }))).toEqual(
      longs(range(0, 9)),
    );
    expect(reads.filter((read) => read.includes('_sidecars'))).toHaveLength(sidecars.length);
    expect(reads.some((read) => /0+[12]\.json$/.test(read))).toBe(false);
  });
});
