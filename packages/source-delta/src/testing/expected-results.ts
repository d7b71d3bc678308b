import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CellValue, Row } from '@drift-spark/core';
import { type FlatChange, fixture, fixturesRoot } from './fixtures.js';

/** A column as Spark reported it (Delta type names: `long`, `integer`, `date`, …). */
export interface ExpectedColumn {
  name: string;
  type: string;
}

type JsonRow = Record<string, unknown>;

/**
 * What Spark read back from a fixture table in the run that wrote it (scripts/fixtures/expected.py):
 * every version (`VERSION AS OF`) and Change Data Feed ranges (`table_changes`).
 * Longs are strings (JSON numbers stop being exact above 2^53).
 */
export interface ExpectedResults {
  writer: string;
  tableId: string;
  latestVersion: number;
  /** ISO times per version: the In-Commit Timestamp, else commitInfo.timestamp. */
  commitTimestamps: Record<string, string>;
  snapshots: { version: number; columns: ExpectedColumn[]; rows: JsonRow[] }[];
  changes: { fromVersion: number; toVersion: number; columns: ExpectedColumn[]; rows: JsonRow[] }[];
}

/** Every fixture table that has an expected.json. */
export function fixtureNames(): string[] {
  return readdirSync(fixturesRoot)
    .filter((name) => existsSync(path.join(fixturesRoot, name, 'expected.json')))
    .sort();
}

export function loadExpected(name: string): ExpectedResults {
  return JSON.parse(readFileSync(path.join(fixture(name), 'expected.json'), 'utf8'));
}

/** A JSON value in the form the native reader returns for the column's type. */
function typed(value: unknown, type: string): CellValue {
  if (value === null || value === undefined) return null;
  if (type === 'long') return BigInt(value as string);
  // expected.py writes every datetime with a Z; decimals as exact strings
  if (type === 'timestamp_ntz') return (value as string).replace(/Z$/, '');
  if (type.startsWith('decimal')) return Number(value);
  return value as CellValue;
}

function typedRow(row: JsonRow, columns: ExpectedColumn[]): Row {
  const result: Row = {};
  for (const column of columns) result[column.name] = typed(row[column.name], column.type);
  return result;
}

export function snapshotAt(expected: ExpectedResults, version: number) {
  const snapshot = expected.snapshots.find((entry) => entry.version === version);
  if (!snapshot) throw new Error(`expected.json has no snapshot at version ${version}`);
  return {
    columns: snapshot.columns.map((column) => column.name),
    rows: snapshot.rows.map((row) => typedRow(row, snapshot.columns)),
  };
}

export function latestSnapshot(expected: ExpectedResults) {
  return snapshotAt(expected, expected.latestVersion);
}

/**
 * Spark's change rows for a range: the range it read, or the rows of a range it read that
 * covers this one (the Change Data Feed is per commit, so a sub-range is a filter).
 */
export function changesFor(expected: ExpectedResults, fromVersion: number, toVersion: number) {
  const range = expected.changes.find(
    (entry) => entry.fromVersion <= fromVersion && toVersion <= entry.toVersion,
  );
  if (!range) throw new Error(`expected.json has no changes covering ${fromVersion}..${toVersion}`);
  return {
    columns: range.columns.map((column) => column.name),
    rows: range.rows
      .filter((row) => {
        const version = row._commit_version as number;
        return fromVersion <= version && version <= toVersion;
      })
      .map(
        (row) =>
          ({
            ...typedRow(row, range.columns),
            _change_type: row._change_type,
            _commit_version: row._commit_version,
            _commit_timestamp: row._commit_timestamp,
          }) as FlatChange,
      ),
  };
}

/** The ranges to compare: each range Spark read, and every single version inside it. */
export function changeRanges(expected: ExpectedResults): [number, number][] {
  const ranges = new Map<string, [number, number]>();
  for (const { fromVersion, toVersion } of expected.changes) {
    ranges.set(`${fromVersion}..${toVersion}`, [fromVersion, toVersion]);
    for (let version = fromVersion; version <= toVersion; version += 1)
      ranges.set(`${version}..${version}`, [version, version]);
  }
  return [...ranges.values()];
}
