import type { Row } from '@drift-spark/core';
import { testSource } from '@drift-spark/core/testkit';
import type { ExpectedResults } from '../testing/expected-results.js';
import {
  changesFor,
  latestSnapshot,
  loadExpected,
  snapshotAt,
} from '../testing/expected-results.js';
import { fixture } from '../testing/fixtures.js';
import { openDeltaSource } from './delta-source.js';

type ChangeType = 'insert' | 'delete' | 'update_preimage' | 'update_postimage';

const project = (rows: Row[], columns: string[]): Row[] =>
  rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));

/** The conformance expectations for a fixture, all taken from what Spark read. */
function fromSpark(
  name: string,
  columns: string[],
  key: string,
  timeTravel: number[],
  ranges: [number, number][],
) {
  const expected: ExpectedResults = loadExpected(name);
  return {
    id: expected.tableId,
    latestVersion: expected.latestVersion,
    changeFeed: ranges.length > 0,
    rows: project(latestSnapshot(expected).rows, columns),
    versions: timeTravel.map((version) => ({
      version,
      rows: project(snapshotAt(expected, version).rows, columns),
    })),
    changes: ranges.map(([fromVersion, toVersion]) => ({
      fromVersion,
      toVersion,
      changes: changesFor(expected, fromVersion, toVersion).rows.map((row) => ({
        type: row._change_type as ChangeType,
        key: String(row[key]),
        commitVersion: row._commit_version,
      })),
    })),
  };
}

testSource({
  title: 'source conformance: cdf-table (partitioned, cdc files, time travel)',
  create: () => openDeltaSource({ path: fixture('cdf-table') }),
  columns: ['id', 'name', 'birthday'],
  batchSize: 2,
  expected: fromSpark(
    'cdf-table',
    ['id', 'name', 'birthday'],
    'id',
    [1],
    [
      [2, 3],
      [3, 3],
    ],
  ),
});

testSource({
  title: 'source conformance: cdf-table-with-dv (deletion vectors)',
  create: () => openDeltaSource({ path: fixture('cdf-table-with-dv') }),
  columns: ['value'],
  keyColumns: ['value'],
  batchSize: 3,
  expected: fromSpark(
    'cdf-table-with-dv',
    ['value'],
    'value',
    [2],
    [
      [1, 3],
      [5, 5],
    ],
  ),
});

testSource({
  title: 'source conformance: basic_partitioned (no change feed)',
  create: () => openDeltaSource({ path: fixture('basic_partitioned') }),
  columns: ['number', 'letter'],
  keyColumns: ['number'],
  expected: fromSpark('basic_partitioned', ['number', 'letter'], 'number', [1], []),
});
