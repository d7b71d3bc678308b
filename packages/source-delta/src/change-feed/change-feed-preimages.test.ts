import type { Change } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { createDeltaSource } from '../index.js';
import { fixture } from '../testing/fixtures.js';

async function changesOf(
  table: string,
  preimages: boolean | undefined,
  preimageColumns?: (columns: string[]) => string[],
): Promise<Change[]> {
  const source = createDeltaSource({ path: fixture(table) });
  const columns = (await source.describe()).columns.map((column) => column.name);
  const changes: Change[] = [];
  for await (const batch of source.changes({
    columns,
    fromVersion: 0,
    batchSize: 3,
    ...(preimages === undefined ? {} : { preimages }),
    ...(preimageColumns ? { preimageColumns: preimageColumns(columns) } : {}),
  }))
    changes.push(...batch.changes);
  return changes;
}

describe('changes({ preimages: false })', () => {
  it.each(['cdf-table', 'cdf-table-with-dv', 'cdf-table-partitioned', 'cdc_ict_table'])(
    '%s: every change but the update pre-images, in the same order with the same rows',
    async (table) => {
      const all = await changesOf(table, undefined);
      expect(all.some((change) => change.type === 'update_preimage')).toBe(true);
      expect(await changesOf(table, true)).toEqual(all);
      const without = await changesOf(table, false);
      expect(without).toEqual(all.filter((change) => change.type !== 'update_preimage'));
    },
  );
});

describe('changes({ preimageColumns })', () => {
  it.each(['cdf-table', 'cdf-table-with-dv', 'cdf-table-partitioned', 'cdc_ict_table'])(
    '%s: update pre-images hold only those columns (the others null), every other change whole',
    async (table) => {
      const all = await changesOf(table, undefined);
      // the first column, and the last (a partition column in cdf-table-partitioned)
      const pick = (columns: string[]) => [columns[0]!, columns[columns.length - 1]!];
      const narrow = await changesOf(table, true, pick);
      const expected = all.map((change) => {
        if (change.type !== 'update_preimage') return change;
        const kept = pick(Object.keys(change.row));
        const row = Object.fromEntries(
          Object.entries(change.row).map(([name, value]) => [
            name,
            kept.includes(name) ? value : null,
          ]),
        );
        return { ...change, row };
      });
      expect(narrow).toEqual(expected);
      // every column asked for: the same as a plain read
      expect(await changesOf(table, true, (columns) => columns)).toEqual(all);
    },
  );
});
