import { describe, expect, it } from 'vitest';
import { pointId } from '../identity/point-id.js';
import { DuplicateKeys } from './engine-duplicates.js';
import { planEmbed } from './engine-plan.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { contentsByKey, engineSetup } from './engine-test-table.js';

const setup = (rows: { id: number; text: string }[]) => engineSetup(rows);

/** Key 1 three times (in the same batch and in later ones), key 2 twice with the same text. */
const duplicated = [
  { id: 1, text: 'first of one' },
  { id: 2, text: 'two' },
  { id: 1, text: 'second of one' },
  { id: 3, text: 'three' },
  { id: 2, text: 'two' },
  { id: 1, text: 'last of one' },
];

describe('duplicate keys in one snapshot', () => {
  it('are counted and announced, and the last row read of each key is the one in the sink', async () => {
    for (const batchSize of [1, 2, 100]) {
      const { options, sink, events } = setup(duplicated);
      const result = await embed({ ...options, batchSize });
      expect(result, `batch size ${batchSize}`).toMatchObject({
        status: 'succeeded',
        duplicateKeys: 3,
      });
      const warning = events.find((event) => event.type === 'duplicate-keys');
      expect(warning).toMatchObject({ count: 3, examples: ['1', '2'] });
      // The warning comes before the end of the run.
      expect(events.findIndex((event) => event.type === 'run-end')).toBeGreaterThan(
        events.indexOf(warning!),
      );
      expect(await contentsByKey(sink)).toEqual({ 1: 'last of one', 2: 'two', 3: 'three' });
    }
  });

  it('are counted by a bootstrap and by a dry run; a table without them reports 0 and no warning', async () => {
    const { options, events } = setup(duplicated);
    expect((await planEmbed(options)).duplicateKeys).toBe(3);
    expect(await sync(options)).toMatchObject({ bootstrapped: true, duplicateKeys: 3 });
    const clean = setup([
      { id: 1, text: 'one' },
      { id: 2, text: 'two' },
    ]);
    expect(await embed(clean.options)).toMatchObject({ duplicateKeys: 0 });
    expect(clean.events.some((event) => event.type === 'duplicate-keys')).toBe(false);
    expect(events.filter((event) => event.type === 'duplicate-keys')).toHaveLength(1);
  });

  it('the set stays exact as it grows', () => {
    const keys = new DuplicateKeys();
    let repeats = 0;
    for (let index = 0; index < 20_000; index++)
      if (keys.add(pointId('s', String(index)), String(index))) repeats++;
    expect(repeats).toBe(0);
    for (let index = 0; index < 20_000; index += 7)
      keys.add(pointId('s', String(index)), String(index));
    expect(keys.count).toBe(Math.ceil(20_000 / 7));
    expect(keys.examples).toEqual(['0', '7', '14', '21', '28']);
  });
});
