import type { Change } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { createDeltaSource } from '../index.js';
import { fixture } from '../testing/fixtures.js';

async function changesOf(table: string, preimages: boolean | undefined): Promise<Change[]> {
  const source = createDeltaSource({ path: fixture(table) });
  const columns = (await source.describe()).columns.map((column) => column.name);
  const changes: Change[] = [];
  for await (const batch of source.changes({
    columns,
    fromVersion: 0,
    batchSize: 3,
    ...(preimages === undefined ? {} : { preimages }),
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
