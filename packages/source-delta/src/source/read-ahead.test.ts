import { describe, expect, it, test } from 'vitest';
import { createLocalFileSystem } from '../file-system/local-file-system.js';
import { fixtureNames, loadExpected } from '../testing/expected-results.js';
import { fixture, readChanges, readSnapshot, rowKey, sortRows } from '../testing/fixtures.js';
import { readAhead } from './read-ahead.js';

describe('readAhead', () => {
  it('yields every reader in order while the next one is already started', async () => {
    const started: number[] = [];
    const reader = (index: number) =>
      async function* () {
        started.push(index);
        yield `${index}a`;
        yield `${index}b`;
      };
    const seen: string[] = [];
    for await (const item of readAhead([0, 1, 2].map(reader), 1)) {
      seen.push(item);
      if (item === '0a') expect(started).toEqual([0, 1]);
    }
    expect(seen).toEqual(['0a', '0b', '1a', '1b', '2a', '2b']);
  });

  it('a failing reader fails at its turn, after the readers before it', async () => {
    const seen: string[] = [];
    const failing = async function* () {
      await Promise.resolve();
      if (seen.length < 5) throw new Error('boom');
      yield 'never';
    };
    const first = async function* () {
      yield 'first';
    };
    await expect(
      (async () => {
        for await (const item of readAhead([first, failing], 1)) seen.push(item);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['first']);
  });
});

// The object-store path (read-ahead of files and commits) on the fixture tables: the same
// rows as the local path, which fixtures-match-spark holds against Spark.
const objectStoreLike = { ...createLocalFileSystem(), rangedReads: true };
const same = (rows: Record<string, unknown>[]) => sortRows(rows).map(rowKey);

describe.each(fixtureNames())('%s read as on an object store', (name) => {
  const expected = loadExpected(name);
  const table = fixture(name);
  test('latest snapshot', async () => {
    expect(same(await readSnapshot(table, {}, objectStoreLike))).toEqual(
      same(await readSnapshot(table, {})),
    );
  });
  for (const { fromVersion, toVersion } of expected.changes)
    test(`the change feed ${fromVersion}..${toVersion}`, async () => {
      const range = { fromVersion, toVersion };
      expect(same(await readChanges(table, range, objectStoreLike))).toEqual(
        same(await readChanges(table, range)),
      );
    });
});
