import { describe, expect, it } from 'vitest';
import { encodeKey } from '../identity/key-encoding.js';
import type { ChangeType, Row, Source } from '../spec/source-v1.js';
import { type SourceHarness, sourceRules } from './source-rules.js';
import { collect } from './testkit-helpers.js';

export interface ExpectedChange {
  type: ChangeType;
  /** The canonical key (`encodeKey`) of the changed row. */
  key: string;
  commitVersion: number;
}

export interface TestSourceOptions {
  /** The source under test. */
  create: () => Promise<Source> | Source;
  /** Columns to project in scans and change reads. */
  columns: string[];
  /** Key columns, to sort and compare rows; default `['id']`. */
  keyColumns?: string[];
  /** Rows per batch to ask for; default 2. */
  batchSize?: number;
  /** Most rows a batch may hold; default `batchSize` (raise it for sources that read whole row groups). */
  maxBatchRows?: number;
  expected: {
    id?: string;
    /** Column names `describe()` must list. */
    columns?: string[];
    latestVersion?: number;
    changeFeed?: boolean;
    /** Projected rows at the latest version, in any order. */
    rows?: Row[];
    /** Projected rows as of earlier versions (time travel). */
    versions?: { version: number; rows: Row[] }[];
    /** Change feed ranges and the changes each must yield, in any order. */
    changes?: { fromVersion: number; toVersion?: number; changes: ExpectedChange[] }[];
  };
  timeoutMs?: number;
  /** Suite title; default `source conformance`. */
  title?: string;
  /** Registers tests of the source's own (vitest `it`) inside the suite. */
  additionalTests?: (harness: SourceHarness) => void;
}

/**
 * Registers the Source conformance suite (vitest `describe`/`it`): `describe()`,
 * scans in bounded batches holding only the projected columns and the expected rows,
 * time travel, and the change feed when the source has one.
 */
export function testSource(options: TestSourceOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const keyColumns = options.keyColumns ?? ['id'];
  const batchSize = options.batchSize ?? 2;
  const maxBatchRows = options.maxBatchRows ?? batchSize;
  const { expected } = options;
  const byKey = (rows: Row[]) =>
    [...rows].sort((a, b) => compare(encodeKey(a, keyColumns), encodeKey(b, keyColumns)));
  const checkBatches = (batches: Row[][]) => {
    for (const rows of batches) {
      expect(rows.length).toBeLessThanOrEqual(maxBatchRows);
      for (const row of rows) expect(Object.keys(row).sort()).toEqual([...options.columns].sort());
    }
  };

  const harness: SourceHarness = { create: options.create, columns: options.columns, batchSize };

  describe(options.title ?? 'source conformance', () => {
    for (const rule of sourceRules) it(rule.name, () => rule.run(harness), timeout);
    it(
      'describes itself',
      async () => {
        const source = await options.create();
        try {
          expect(source.specificationVersion).toBe('v1');
          const description = await source.describe();
          expect(description.id).toBe(source.id);
          if (expected.id !== undefined) expect(source.id).toBe(expected.id);
          for (const column of description.columns) {
            expect(typeof column.name).toBe('string');
            expect(typeof column.type).toBe('string');
            expect(typeof column.nullable).toBe('boolean');
          }
          const names = description.columns.map((column) => column.name);
          for (const name of [...options.columns, ...(expected.columns ?? [])])
            expect(names).toContain(name);
          if (expected.latestVersion !== undefined)
            expect(description.latestVersion).toBe(expected.latestVersion);
          if (expected.changeFeed !== undefined)
            expect(description.changeFeed).toBe(expected.changeFeed);
          if (description.changeFeed) expect(typeof source.changes).toBe('function');
        } finally {
          await source.close?.();
        }
      },
      timeout,
    );

    it(
      'scans in bounded batches of the projected columns only',
      async () => {
        const source = await options.create();
        try {
          const batches = await collect(source.scan({ columns: options.columns, batchSize }));
          checkBatches(batches.map((batch) => batch.rows));
          const rows = batches.flatMap((batch) => batch.rows);
          if (expected.rows) expect(byKey(rows)).toEqual(byKey(expected.rows));
          if (expected.latestVersion !== undefined) {
            for (const batch of batches)
              if (batch.version !== undefined) expect(batch.version).toBe(expected.latestVersion);
          }
          const keys = rows.map((row) => encodeKey(row, keyColumns));
          expect(new Set(keys).size).toBe(keys.length);
        } finally {
          await source.close?.();
        }
      },
      timeout,
    );

    for (const version of expected.versions ?? []) {
      it(
        `scans as of version ${version.version}`,
        async () => {
          const source = await options.create();
          try {
            const batches = await collect(
              source.scan({ columns: options.columns, batchSize, version: version.version }),
            );
            checkBatches(batches.map((batch) => batch.rows));
            expect(byKey(batches.flatMap((batch) => batch.rows))).toEqual(byKey(version.rows));
          } finally {
            await source.close?.();
          }
        },
        timeout,
      );
    }

    for (const range of expected.changes ?? []) {
      it(
        `reads the changes of versions ${range.fromVersion} to ${range.toVersion ?? 'latest'}`,
        async () => {
          const source = await options.create();
          try {
            expect(typeof source.changes).toBe('function');
            const request = { columns: options.columns, fromVersion: range.fromVersion, batchSize };
            const batches = await collect(
              source.changes!(
                range.toVersion === undefined
                  ? request
                  : { ...request, toVersion: range.toVersion },
              ),
            );
            checkBatches(batches.map((batch) => batch.changes.map((change) => change.row)));
            const changes = batches.flatMap((batch) => batch.changes);
            for (const change of changes) {
              expect(Number.isFinite(change.commitTimestamp)).toBe(true);
              expect(change.commitVersion).toBeGreaterThanOrEqual(range.fromVersion);
              if (range.toVersion !== undefined)
                expect(change.commitVersion).toBeLessThanOrEqual(range.toVersion);
            }
            const seen = changes.map((change) => ({
              type: change.type,
              key: encodeKey(change.row, keyColumns),
              commitVersion: change.commitVersion,
            }));
            expect(sortChanges(seen)).toEqual(sortChanges(range.changes));
          } finally {
            await source.close?.();
          }
        },
        timeout,
      );
    }
    options.additionalTests?.(harness);
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortChanges(changes: ExpectedChange[]): ExpectedChange[] {
  return [...changes].sort(
    (a, b) => a.commitVersion - b.commitVersion || compare(a.key, b.key) || compare(a.type, b.type),
  );
}
