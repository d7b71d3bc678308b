import { describe, expect, it } from 'vitest';
import type { AddAction } from './delta-actions.js';
import { snapshotRowCount } from './delta-row-count.js';

function file(stats: string | null, cardinality?: number): AddAction {
  return {
    path: `part-${Math.random()}.parquet`,
    partitionValues: {},
    size: 1,
    modificationTime: 0,
    dataChange: true,
    stats,
    deletionVector:
      cardinality === undefined
        ? null
        : { storageType: 'u', pathOrInlineDv: 'x', sizeInBytes: 1, cardinality },
  };
}

describe('snapshotRowCount', () => {
  it('sums numRecords and takes off the rows deletion vectors remove', () => {
    const files = [
      file('{"numRecords":10,"minValues":{"numRecords":99}}'),
      file('{"numRecords":7}', 3),
    ];
    expect(snapshotRowCount(files)).toBe(14);
    expect(snapshotRowCount([])).toBe(0);
  });

  it('is unknown when any file has no count, rather than a wrong total', () => {
    expect(snapshotRowCount([file('{"numRecords":10}'), file(null)])).toBeUndefined();
    expect(snapshotRowCount([file('{"minValues":{}}')])).toBeUndefined();
    expect(snapshotRowCount([file('not json')])).toBeUndefined();
  });
});
