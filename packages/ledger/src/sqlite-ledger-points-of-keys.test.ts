import { chunkPointId } from '@drift-spark/core/internal';
import { describe, expect, it } from 'vitest';
import { batch, sink, source, start, upsert, useLedgerDir } from './sqlite-ledger-test-fixtures.js';

const { ledgerAt } = useLedgerDir();

/** A chunk's point of `key`: the fixture's upsert under the chunk's id. */
const chunk = (key: string, index: number, sourceId = source) => ({
  ...upsert(key, `${key} chunk ${index}`, 10, sourceId),
  pointId: chunkPointId(sourceId, key, index),
});

describe('pointsOfKeys', () => {
  it('lists every live point of the keys (all chunks of a row), of one source and one sink', async () => {
    const ledger = ledgerAt();
    await ledger.startRun(start('r1'));
    await ledger.commitBatch(
      batch('r1', {
        upserts: [
          chunk('a', 0),
          chunk('a', 1),
          chunk('a', 2),
          chunk('b', 0),
          chunk('c', 0),
          chunk('a', 0, 'delta:another-table'),
        ],
      }),
    );
    await ledger.commitBatch(
      batch('r1', {
        deletes: [{ pointId: chunkPointId(source, 'a', 2), sourceId: source, key: 'a' }],
      }),
    );
    const points = await ledger.pointsOfKeys(sink, source, ['a', 'b', 'missing']);
    expect(points.map((point) => point.pointId).sort()).toEqual(
      [
        chunkPointId(source, 'a', 0),
        chunkPointId(source, 'a', 1),
        chunkPointId(source, 'b', 0),
      ].sort(),
    );
    expect(points.every((point) => point.sinkId === sink && point.sourceId === source)).toBe(true);
    expect(await ledger.pointsOfKeys('another-sink', source, ['a'])).toEqual([]);
    expect(await ledger.pointsOfKeys(sink, source, [])).toEqual([]);
  });
});
