import { describe, expect, it } from 'vitest';
import { DriftError, InputRejectedError, NoChangeFeedError } from '../errors/index.js';
import { pointId } from '../identity/point-id.js';
import type { Change, Source, SourceChangesOptions } from '../spec/source-v1.js';
import { createArraySource } from '../testkit/array-source.js';
import { createFailingSink } from '../testkit/failing-sink.js';
import { collect } from '../testkit/testkit-helpers.js';
import { changeItems } from './engine-reader.js';
import { sync } from './engine-sync.js';
import { contentsByKey, syncSetup, withFeed } from './engine-test-table.js';

const change = (type: Change['type'], commitVersion: number, id: number, text: string) => ({
  type,
  row: { id, text, tag: 'a' },
  commitVersion,
  commitTimestamp: 0,
});

describe('sync: the feed as sources deliver it', () => {
  it('keeps a row that one commit deletes and inserts (a rewrite), whatever the arrival order', async () => {
    const { options, table, sink, embedder, ledger } = syncSetup();
    await sync(options);
    embedder.reset();
    const rewrite = (
      version: number,
      first: 'delete' | 'insert',
      id: number,
      before: string,
      after: string,
    ) => {
      const remove = change('delete', version, id, before);
      const add = change('insert', version, id, after);
      return first === 'delete' ? [remove, add] : [add, remove];
    };
    const feed: Change[] = [
      // v2: a no-op rewrite of key 1 (delete first) and of key 2 (insert first, as the native
      // feed yields a commit's adds before its removes); key 3's text changes in the rewrite.
      ...rewrite(2, 'delete', 1, 'one', 'one'),
      ...rewrite(2, 'insert', 2, 'two', 'two'),
      ...rewrite(2, 'insert', 3, 'three', 'THREE'),
      // v3: key 4, never embedded, is inserted twice in one commit (a key duplicated by the
      // writer) around a delete: the later insert wins.
      change('insert', 3, 4, 'four (first)'),
      change('delete', 3, 4, 'four (first)'),
      change('insert', 3, 4, 'four'),
      // Across versions the later version still wins: key 2 is deleted at v4.
      change('delete', 4, 2, 'two'),
    ];
    table.commit([{ type: 'upsert', row: { id: 3, text: 'THREE', tag: 'a' } }]);
    table.commit([{ type: 'upsert', row: { id: 4, text: 'four', tag: 'a' } }]);
    table.commit([{ type: 'delete', row: { id: 2 } }]);
    const result = await sync({ ...options, source: withFeed(table.source, feed) });
    expect(result).toMatchObject({
      status: 'succeeded',
      sinceVersion: 2,
      toVersion: 4,
      inserted: 1,
      updated: 2,
      deleted: 1,
      rowsEmbedded: 2,
      rowsDeduped: 1,
      rowsDeleted: 1,
    });
    // The unchanged rewrite is not re-embedded; the changed one is, with the text of the adds.
    expect(embedder.embeddedTexts().sort()).toEqual(['THREE', 'four']);
    expect(await contentsByKey(sink)).toEqual({ 1: 'one', 3: 'THREE', 4: 'four' });
    expect(await ledger.countPoints(sink.id)).toBe(3);
  });

  it('moves a row whose update changed its key: the old key is deleted, in any arrival order', async () => {
    const image = (type: Change['type'], id: number, text: string) => change(type, 2, id, text);
    // v2: row 1 becomes key 10 (same text); rows 2 and 3 swap keys (and texts); key 3's
    // row is also updated in place after the swap. Pre-images carry only the key, as asked.
    const keyOnly = (id: number) => ({ ...image('update_preimage', id, ''), row: { id } });
    const images: Change[] = [
      keyOnly(1),
      image('update_postimage', 10, 'one'),
      keyOnly(2),
      image('update_postimage', 3, 'two'),
      keyOnly(3),
      image('update_postimage', 2, 'three'),
    ];
    const orders = [images, [...images].reverse(), [...images.slice(3), ...images.slice(0, 3)]];
    for (const feed of orders) {
      const { options, table, sink, embedder, ledger } = syncSetup();
      await sync(options);
      embedder.reset();
      table.commit([
        { type: 'delete', row: { id: 1 } },
        { type: 'upsert', row: { id: 10, text: 'one', tag: 'a' } },
        { type: 'upsert', row: { id: 2, text: 'three', tag: 'a' } },
        { type: 'upsert', row: { id: 3, text: 'two', tag: 'a' } },
      ]);
      const result = await sync({ ...options, source: withFeed(table.source, feed) });
      expect(result).toMatchObject({ status: 'succeeded', inserted: 1, updated: 2, deleted: 1 });
      expect(await contentsByKey(sink)).toEqual({ 2: 'three', 3: 'two', 10: 'one' });
      expect(await ledger.countPoints(sink.id)).toBe(3);
      // every text was embedded before under some key: nothing is paid again
      expect(embedder.embeddedTexts()).toEqual([]);
    }
  });

  it('flushes the net effect at version boundaries on a long ordered feed, and refuses one that goes back', async () => {
    const { table, source } = syncSetup();
    for (let version = 0; version < 6; version++) {
      table.commit([
        { type: 'upsert', row: { id: version * 2 + 100, text: `v${version}`, tag: 'a' } },
        { type: 'upsert', row: { id: 1, text: `edit ${version}`, tag: 'a' } },
      ]);
    }
    const context = {
      source,
      sourceId: source.id,
      keyColumns: ['id'],
      textColumn: 'text',
      columns: ['id', 'text'],
      batchSize: 2,
    };
    const batches = await collect(changeItems(context, 2, 7, 3));
    const all = batches.flatMap((batch) => batch.map((item) => `${item.key}:${item.text}`));
    // Memory stays bounded: it flushed more than once; key 1 appears once per flush, its last edit last.
    expect(all.filter((entry) => entry.startsWith('1:')).length).toBeGreaterThan(1);
    expect(all.filter((entry) => entry.startsWith('1:')).at(-1)).toBe('1:edit 5');
    expect(all.filter((entry) => !entry.startsWith('1:')).sort()).toEqual(
      ['100:v0', '102:v1', '104:v2', '106:v3', '108:v4', '110:v5'].sort(),
    );

    const feed = (
      await collect(source.changes!({ fromVersion: 2, toVersion: 7, columns: ['id', 'text'] }))
    ).flatMap((batch) => batch.changes);
    const late = withFeed(source, [...feed, change('insert', 2, 500, 'late')]);
    await expect(collect(changeItems({ ...context, source: late }, 2, 7, 3))).rejects.toThrow(
      /commit-version order/,
    );
  });

  it('refuses a source with no change feed, or one whose feed is off, with NoChangeFeedError', async () => {
    const { options } = syncSetup();
    const without = createArraySource({
      id: 'array://no-feed',
      columns: ['id', 'text'],
      versions: [[{ id: 1, text: 'one' }]],
      changeFeed: false,
    });
    const off: Source = {
      ...options.source,
      describe: async () => ({ ...(await options.source.describe()), changeFeed: false }),
    };
    for (const source of [without, off]) {
      const error = await sync({ ...options, source }).catch((caught: unknown) => caught);
      expect(NoChangeFeedError.is(error), String(error)).toBe(true);
      expect(DriftError.hasCode(error, 'source')).toBe(true);
      expect((error as Error).message).toMatch(/has no Change Data Feed.*use `embed`/);
    }
    expect(await options.ledger.recentRuns()).toEqual([]);
  });
});

describe('sync: the checkpoint after a failure', () => {
  it('keeps the checkpoint when a row fails, and the next run retries from there', async () => {
    let rejecting = true;
    const { options, table, ref, ledger, embedder, sink } = syncSetup({
      failOn: (text) =>
        rejecting && text === 'rejected text' ? new InputRejectedError('not this one') : undefined,
    });
    await sync(options);
    table.commit([
      { type: 'upsert', row: { id: 5, text: 'five', tag: 'a' } },
      { type: 'upsert', row: { id: 6, text: 'rejected text', tag: 'a' } },
    ]);
    const partial = await sync(options);
    expect(partial).toMatchObject({ status: 'partial', rowsFailed: 1, inserted: 1 });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);

    rejecting = false;
    embedder.reset();
    const retry = await sync(options);
    expect(retry).toMatchObject({
      status: 'succeeded',
      sinceVersion: 2,
      rowsEmbedded: 1,
      rowsDeduped: 1,
    });
    expect(embedder.embeddedTexts()).toEqual(['rejected text']);
    expect((await ledger.getCheckpoint(ref))?.version).toBe(2);
    expect(await contentsByKey(sink)).toMatchObject({ 5: 'five', 6: 'rejected text' });
  });

  it('keeps the checkpoint when the sink fails', async () => {
    const { options, table, ref, ledger, sink, source } = syncSetup();
    await sync(options);
    table.commit([{ type: 'upsert', row: { id: 5, text: 'five', tag: 'a' } }]);
    const failing = createFailingSink({ inner: sink, failAfterWrites: 0 });
    expect((await sync({ ...options, sink: failing })).status).toBe('failed');
    expect(failing.writes).toBe(0);
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);
    expect(await sync(options)).toMatchObject({ status: 'succeeded', inserted: 1 });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(2);
    expect(await ledger.countPoints(sink.id)).toBe(4);
    expect(await sink.retrieve([pointId(source.id, '5')])).toHaveLength(1);
  });

  it('asks the source for the key columns of update pre-images only', async () => {
    const { options, table } = syncSetup();
    await sync(options);
    table.commit([{ type: 'upsert', row: { id: 5, text: 'five', tag: 'a' } }]);
    const asked: SourceChangesOptions[] = [];
    const source: Source = {
      ...table.source,
      changes(changeOptions) {
        asked.push(changeOptions);
        return table.source.changes!(changeOptions);
      },
    };
    expect(await sync({ ...options, source })).toMatchObject({ status: 'succeeded', inserted: 1 });
    expect(asked.map(({ preimages, preimageColumns }) => ({ preimages, preimageColumns }))).toEqual(
      [{ preimages: true, preimageColumns: ['id'] }],
    );
  });
});
