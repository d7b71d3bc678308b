import { testSource } from '@drift-spark/core/testkit';
import { fixture } from '../testing/fixtures.js';
import { openDeltaSource } from './delta-source.js';

const id = (value: number) => String(value);

testSource({
  title: 'source conformance: cdf-table (partitioned, cdc files, time travel)',
  create: () => openDeltaSource({ path: fixture('cdf-table') }),
  columns: ['id', 'name', 'birthday'],
  batchSize: 2,
  expected: {
    id: 'd38a7090-96be-4b1b-b20f-b85ad8ae1a38',
    latestVersion: 3,
    changeFeed: true,
    rows: [
      { id: 1, name: 'Steve', birthday: '2023-12-22' },
      { id: 2, name: 'Bob', birthday: '2023-12-22' },
      { id: 3, name: 'Dave', birthday: '2023-12-22' },
      { id: 4, name: 'Kate', birthday: '2023-12-22' },
      { id: 5, name: 'Emily', birthday: '2023-12-29' },
      { id: 6, name: 'Carl', birthday: '2023-12-29' },
      { id: 8, name: 'Claire', birthday: '2023-12-25' },
      { id: 9, name: 'Ada', birthday: '2023-12-25' },
      { id: 10, name: 'Borb', birthday: '2023-12-25' },
    ],
    versions: [
      {
        version: 1,
        rows: [
          { id: 1, name: 'Steve', birthday: '2023-12-22' },
          { id: 2, name: 'Bob', birthday: '2023-12-22' },
          { id: 3, name: 'Dave', birthday: '2023-12-22' },
          { id: 4, name: 'Kate', birthday: '2023-12-22' },
          { id: 5, name: 'Emily', birthday: '2023-12-24' },
          { id: 6, name: 'Carl', birthday: '2023-12-24' },
          { id: 7, name: 'Dennis', birthday: '2023-12-24' },
          { id: 8, name: 'Claire', birthday: '2023-12-25' },
          { id: 9, name: 'Ada', birthday: '2023-12-25' },
          { id: 10, name: 'Borb', birthday: '2023-12-25' },
        ],
      },
    ],
    changes: [
      {
        fromVersion: 2,
        toVersion: 3,
        changes: [
          ...[5, 6, 7].flatMap((key) => [
            { type: 'update_preimage' as const, key: id(key), commitVersion: 2 },
            { type: 'update_postimage' as const, key: id(key), commitVersion: 2 },
          ]),
          { type: 'delete', key: '7', commitVersion: 3 },
        ],
      },
      { fromVersion: 3, changes: [{ type: 'delete', key: '7', commitVersion: 3 }] },
    ],
  },
});

testSource({
  title: 'source conformance: cdf-table-with-dv (deletion vectors)',
  create: () => openDeltaSource({ path: fixture('cdf-table-with-dv') }),
  columns: ['value'],
  keyColumns: ['value'],
  batchSize: 3,
  expected: {
    id: 'testId',
    latestVersion: 6,
    changeFeed: true,
    rows: Array.from({ length: 10 }, (_, value) => ({ value })),
    versions: [{ version: 3, rows: [2, 3, 6, 7, 8, 9].map((value) => ({ value })) }],
    changes: [
      {
        fromVersion: 4,
        toVersion: 5,
        changes: [
          { type: 'insert', key: '1', commitVersion: 4 },
          { type: 'insert', key: '4', commitVersion: 4 },
          { type: 'insert', key: '0', commitVersion: 5 },
          { type: 'insert', key: '5', commitVersion: 5 },
          { type: 'delete', key: '3', commitVersion: 5 },
        ],
      },
    ],
  },
});

testSource({
  title: 'source conformance: basic_partitioned (no change feed)',
  create: () => openDeltaSource({ path: fixture('basic_partitioned') }),
  columns: ['number', 'letter'],
  keyColumns: ['number'],
  expected: {
    latestVersion: 1,
    changeFeed: false,
    rows: [
      { number: 1n, letter: 'a' },
      { number: 2n, letter: 'b' },
      { number: 3n, letter: 'c' },
      { number: 4n, letter: 'a' },
      { number: 5n, letter: 'e' },
      { number: 6n, letter: null },
    ],
  },
});
