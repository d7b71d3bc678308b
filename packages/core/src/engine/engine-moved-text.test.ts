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
  // is deleted. One row per batch, in every arrival order: the batch that takes a text out
  // of the sink may come before the one that needs it.
  const feed = [
    change('update_postimage', 1, 'one, rewritten'),
    change('insert', 4, 'one'),
    change('delete', 2, 'two'),
    change('insert', 5, 'two'),
  ];

  it.each(
    orders(feed).map(
      (order) => [order.map((each) => `${each.type} ${each.row.id}`).join(', '), order] as const,
    ),
  )('%s', async (_name, order) => {
    const { options, table, sink, embedder } = syncSetup();
    await sync(options);
    embedder.reset();
    table.commit([
      { type: 'upsert', row: { id: 1, text: 'one, rewritten', tag: 'a' } },
      { type: 'upsert', row: { id: 4, text: 'one', tag: 'a' } },
      { type: 'delete', row: { id: 2 } },
      { type: 'upsert', row: { id: 5, text: 'two', tag: 'a' } },
    ]);
    const result = await sync({ ...options, source: withFeed(table.source, order), batchSize: 1 });
    expect(result).toMatchObject({
      status: 'succeeded',
      rowsEmbedded: 1,
      rowsReused: 2,
      rowsDeleted: 1,
    });
    expect(embedder.embeddedTexts()).toEqual(['one, rewritten']);
    expect(await contentsByKey(sink)).toEqual({
      '1': 'one, rewritten',
      '3': 'three',
      '4': 'one',
      '5': 'two',
    });
  });
});
