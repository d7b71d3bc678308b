import { describe, expect, it } from 'vitest';
import { pointId } from '../identity/point-id.js';
import { createMemoryLedger, createMemorySink, createMemorySinkStore } from '../memory/index.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { sinkContents, testTable } from './engine-test-table.js';

/** A memory sink on a store of its own; `lose()` gives the same sink id on a new, empty store. */
function setup(
  rows = [
    { id: 1, text: 'one', tag: 'a' },
    { id: 2, text: 'two', tag: 'a' },
    { id: 3, text: 'one', tag: 'a' },
  ],
) {
  const table = testTable(rows, { version: 1 });
  const source = table.source;
  const embedder = createRecordingEmbedder();
  const ledger = createMemoryLedger();
  const id = 'memory://lost';
  let store = createMemorySinkStore({ id });
  const options = () => ({
    source,
    sink: createMemorySink({ id, store }),
    embedder,
    ledger,
    textColumn: 'text',
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
  const lose = () => {
    store = createMemorySinkStore({ id });
  };
  const contents = async () => {
    const sink = createMemorySink({ id, store });
    await sink.open({ dimensions: embedder.dimensions, distance: 'cosine', model: embedder.id });
    const points = await sinkContents(sink);
    return Object.fromEntries([...points.values()].map((point) => [point.key, point.content]));
  };
  const held = () => store.points;
  return { table, source, embedder, ledger, options, lose, contents, held };
}

describe('a sink that lost points the ledger records', () => {
  it('embed writes again every row of a sink created anew, and says so', async () => {
    const { options, lose, contents, embedder } = setup();
    expect((await embed(options())).status).toBe('succeeded');
    lose();
    embedder.reset();
    const again = await embed(options());
    expect(again).toMatchObject({
      status: 'succeeded',
      rowsDeduped: 0,
      rowsEmbedded: 2,
      rowsReused: 1,
      sinkLoss: { sinkPoints: 0, ledgerPoints: 3, created: true },
    });
    expect(await contents()).toEqual({ '1': 'one', '2': 'two', '3': 'one' });
    // Nothing lost any more: the next run trusts the ledger again.
    const third = await embed(options());
    expect(third).toMatchObject({ rowsDeduped: 3, rowsEmbedded: 0 });
    expect(third.sinkLoss).toBeUndefined();
  });

  it.each(['1', '3'])(
    're-adopts the points the sink still holds and copies a lost one (key %s) from a point of the same text',
    async (lostKey) => {
      const { options, embedder, held, contents, source } = setup();
      await embed(options());
      // Whichever of the two the ledger names for the text, the one the sink holds is copied.
      held().delete(pointId(source.id, lostKey));
      embedder.reset();
      const repaired = await embed(options());
      expect(repaired).toMatchObject({
        status: 'succeeded',
        rowsDeduped: 2,
        rowsEmbedded: 0,
        rowsReused: 1,
        sinkLoss: { sinkPoints: 2, ledgerPoints: 3, created: false },
      });
      expect(embedder.calls).toEqual([]);
      expect(await contents()).toEqual({ '1': 'one', '2': 'two', '3': 'one' });
    },
  );

  it('writes again a point the sink holds with another text than the ledger says', async () => {
    const { options, held, contents, source } = setup();
    await embed(options());
    const two = held().get(pointId(source.id, '2'))!;
    two.payload = { ...two.payload, content: 'stale', content_hash: 'stale' };
    held().delete(pointId(source.id, '3'));
    const repaired = await embed(options());
    expect(repaired).toMatchObject({ rowsDeduped: 1, rowsEmbedded: 1, rowsReused: 1 });
    expect(await contents()).toEqual({ '1': 'one', '2': 'two', '3': 'one' });
  });

  it('a watch with no new version repairs the sink from a snapshot instead of saying "nothing new"', async () => {
    const { options, lose, contents, ledger, source, embedder } = setup();
    await sync(options());
    const ref = { sourceId: source.id, sinkId: 'memory://lost', fingerprint: embedder.fingerprint };
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);
    lose();
    const repaired = await sync(options());
    expect(repaired).toMatchObject({
      status: 'succeeded',
      bootstrapped: false,
      toVersion: 1,
      inserted: 0,
      updated: 0,
      deleted: 0,
      rowsEmbedded: 2,
      rowsReused: 1,
      sinkLoss: { created: true, sinkPoints: 0, ledgerPoints: 3 },
    });
    expect(await contents()).toEqual({ '1': 'one', '2': 'two', '3': 'one' });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);
    // In step again: the next watch has nothing to do.
    const idle = await sync(options());
    expect(idle).toMatchObject({ rowsProcessed: 0 });
    expect(idle.sinkLoss).toBeUndefined();
  });

  it('a watch after a loss applies the feed (deletes included) and reconciles the rest', async () => {
    const { options, lose, contents, table, ledger } = setup();
    await sync(options());
    table.commit([
      { type: 'delete', row: { id: 1 } },
      { type: 'upsert', row: { id: 2, text: 'deux', tag: 'a' } },
      { type: 'upsert', row: { id: 4, text: 'four', tag: 'a' } },
    ]);
    lose();
    const repaired = await sync(options());
    expect(repaired).toMatchObject({
      status: 'succeeded',
      sinceVersion: 2,
      toVersion: 2,
      inserted: 1,
      updated: 1,
      deleted: 1,
    });
    expect(await contents()).toEqual({ '2': 'deux', '3': 'one', '4': 'four' });
    expect(await ledger.countPoints('memory://lost')).toBe(3);
  });

  it('dedup: false needs no check: it writes every row anyway', async () => {
    const { options, lose, contents } = setup();
    await embed(options());
    lose();
    const again = await embed({ ...options(), dedup: false });
    expect(again.sinkLoss).toBeUndefined();
    expect(await contents()).toEqual({ '1': 'one', '2': 'two', '3': 'one' });
  });
});
