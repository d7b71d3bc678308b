import { describe, expect, test } from 'vitest';
import {
  changeRanges,
  changesFor,
  fixtureNames,
  loadExpected,
  snapshotAt,
} from '../testing/expected-results.js';
import { fixture, readChanges, readSnapshot, rowKey, sortRows } from '../testing/fixtures.js';

/** Every fixture table, read natively, equals what Spark read from it when it was written. */
const names = fixtureNames();

test('the fixture tables are in the repository', () => {
  expect(names.length).toBeGreaterThanOrEqual(14);
});

const same = (rows: Record<string, unknown>[]) => sortRows(rows).map(rowKey);

describe.each(names)('%s equals Spark', (name) => {
  const expected = loadExpected(name);
  const table = fixture(name);

  test.each(expected.snapshots.map((snapshot) => snapshot.version))(
    'VERSION AS OF %i',
    async (version) => {
      const { columns, rows } = snapshotAt(expected, version);
      expect(same(await readSnapshot(table, { version, columns }))).toEqual(same(rows));
    },
  );

  const ranges = changeRanges(expected);
  if (ranges.length > 0)
    test.each(ranges)('table_changes %i..%i', async (fromVersion, toVersion) => {
      const { columns, rows } = changesFor(expected, fromVersion, toVersion);
      expect(same(await readChanges(table, { fromVersion, toVersion, columns }))).toEqual(
        same(rows),
      );
    });
});
