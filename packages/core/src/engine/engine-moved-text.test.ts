import { describe, expect, it } from 'vitest';
import type { Change } from '../spec/source-v1.js';
import { sync } from './engine-sync.js';
import { contentsByKey, syncSetup, withFeed } from './engine-test-table.js';

const change = (type: Change['type'], id: number, text: string): Change => ({
  type,
  row: { id, text, tag: 'a' },
  commitVersion: 2,
  commitTimestamp: 0,
});

/** Every order of a list (small lists only). */
function orders<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    orders([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('a text that moves to another key within one run is not paid again', () => {
  // Key 1's text goes to key 4 while key 1 changes; key 2's text goes to key 5 while key 2
  // is deleted; key 3's goes to key 6 while key 3's text is emptied. One row per batch, in
  // every arrival order: the batch that takes a text out of the sink may come before the
  // one that needs it.
  const feed = [
    change('update_postimage', 1, 'one, rewritten'),
    change('insert', 4, 'one'),
    change('delete', 2, 'two'),
    change('insert', 5, 'two'),
    change('update_postimage', 3, '  '),
    change('insert', 6, 'three'),
  ];

  it('pays for the one new text in every arrival order, one row per batch', async () => {
    for (const order of orders(feed)) {
      const name = order.map((each) => `${each.type} ${each.row.id}`).join(', ');
      const { options, table, sink, embedder } = syncSetup();
      await sync(options);
      embedder.reset();
      table.commit([
        { type: 'upsert', row: { id: 1, text: 'one, rewritten', tag: 'a' } },
        { type: 'upsert', row: { id: 4, text: 'one', tag: 'a' } },
        { type: 'delete', row: { id: 2 } },
        { type: 'upsert', row: { id: 5, text: 'two', tag: 'a' } },
        { type: 'upsert', row: { id: 3, text: '  ', tag: 'a' } },
        { type: 'upsert', row: { id: 6, text: 'three', tag: 'a' } },
      ]);
      const source = withFeed(table.source, order);
      const result = await sync({ ...options, source, batchSize: 1 });
      expect(result, name).toMatchObject({
        status: 'succeeded',
        rowsEmbedded: 1,
        rowsReused: 3,
        rowsDeleted: 2,
      });
      expect(embedder.embeddedTexts(), name).toEqual(['one, rewritten']);
      expect(await contentsByKey(sink), name).toEqual({
        '1': 'one, rewritten',
        '4': 'one',
        '5': 'two',
        '6': 'three',
      });
    }
  });
});
