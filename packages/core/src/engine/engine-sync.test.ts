import { describe, expect, it } from 'vitest';
import { pointId } from '../identity/point-id.js';
import { planSync } from './engine-plan.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { contentsByKey, syncSetup } from './engine-test-table.js';

describe('sync', () => {
  it('bootstraps from a snapshot of the latest version when there is no checkpoint, then follows the feed', async () => {
    const { options, ledger, ref, sink, table, embedder } = syncSetup();
    const first = await sync(options);
    expect(first).toMatchObject({
      status: 'succeeded',
      bootstrapped: true,
      sinceVersion: 1,
      toVersion: 1,
      inserted: 3,
      updated: 0,
      deleted: 0,
      rowsEmbedded: 3,
    });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);

    table.commit([{ type: 'upsert', row: { id: 4, text: 'four', tag: 'a' } }]);
    table.commit([
      { type: 'upsert', row: { id: 2, text: 'TWO', tag: 'a' } },
      { type: 'delete', row: { id: 3 } },
    ]);
    embedder.reset();
    const second = await sync(options);
    expect(second).toMatchObject({
      status: 'succeeded',
      bootstrapped: false,
      sinceVersion: 2,
      toVersion: 3,
      inserted: 1,
      updated: 1,
      deleted: 1,
      rowsDeleted: 1,
    });
    expect(embedder.embeddedTexts().sort()).toEqual(['TWO', 'four']);
    expect(await contentsByKey(sink)).toEqual({ 1: 'one', 2: 'TWO', 4: 'four' });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(3);
    expect(await ledger.countPoints(sink.id)).toBe(3);
  });

  it('after an embed and no checkpoint, follows the feed from the embedded version, so deletes in between land', async () => {
    const { options, ledger, ref, sink, table, embedder } = syncSetup();
    const embedded = await embed(options);
    expect(embedded).toMatchObject({ status: 'succeeded', rowsEmbedded: 3 });
    expect(await ledger.getCheckpoint(ref)).toBeUndefined();

    table.commit([{ type: 'delete', row: { id: 3 } }]);
    table.commit([{ type: 'upsert', row: { id: 5, text: 'five', tag: 'a' } }]);
    embedder.reset();
    const watched = await sync(options);
    expect(watched).toMatchObject({
      status: 'succeeded',
      bootstrapped: false,
      sinceVersion: 2,
      toVersion: 3,
      inserted: 1,
      deleted: 1,
    });
    expect(embedder.embeddedTexts()).toEqual(['five']);
    expect(await contentsByKey(sink)).toEqual({ 1: 'one', 2: 'two', 5: 'five' });
    expect(await ledger.countPoints(sink.id)).toBe(3);
    expect((await ledger.getCheckpoint(ref))?.version).toBe(3);
  });

  it('does nothing, and records no run, when there is nothing after the checkpoint', async () => {
    const { options, ledger } = syncSetup();
    await sync(options);
    const runs = (await ledger.recentRuns()).length;
    const idle = await sync(options);
    expect(idle).toMatchObject({
      status: 'succeeded',
      sinceVersion: 1,
      toVersion: 1,
      upToDate: true,
      rowsProcessed: 0,
      inserted: 0,
      updated: 0,
      deleted: 0,
    });
    expect((await ledger.recentRuns()).length).toBe(runs);
  });

  it('reduces a range to its net effect per key', async () => {
    const { options, table, sink, embedder } = syncSetup();
    await sync(options);
    embedder.reset();
    // Across versions the later version wins: insert then delete = delete (of a key never embedded: harmless).
    table.commit([{ type: 'upsert', row: { id: 10, text: 'short-lived', tag: 'a' } }]);
    table.commit([{ type: 'delete', row: { id: 10 } }]);
    // update twice = the last update; pre-images are never embedded
    table.commit([{ type: 'upsert', row: { id: 1, text: 'first edit', tag: 'a' } }]);
    table.commit([{ type: 'upsert', row: { id: 1, text: 'second edit', tag: 'a' } }]);
    const result = await sync(options);
    expect(result.status).toBe('succeeded');
    expect(embedder.embeddedTexts()).toEqual(['second edit']);
    expect(result).toMatchObject({ inserted: 0, updated: 1, deleted: 0, rowsDeleted: 0 });
    expect(await contentsByKey(sink)).toEqual({ 1: 'second edit', 2: 'two', 3: 'three' });
  });

  it('rewrites the metadata of a row whose text did not change, without calling the provider', async () => {
    const { options, table, sink, embedder, source } = syncSetup();
    await sync({ ...options, metadataColumns: ['tag'] });
    table.commit([{ type: 'upsert', row: { id: 2, text: 'two', tag: 'b' } }]);
    embedder.reset();
    const result = await sync({ ...options, metadataColumns: ['tag'] });
    expect(result).toMatchObject({
      status: 'succeeded',
      updated: 1,
      rowsReused: 1,
      rowsEmbedded: 0,
      tokens: 0,
    });
    expect(embedder.calls).toEqual([]);
    const [point] = await sink.retrieve([pointId(source.id, '2')]);
    expect(point?.payload.metadata).toEqual({ tag: 'b' });

    // Without metadata columns there is nothing to rewrite: the row is deduped.
    table.commit([{ type: 'upsert', row: { id: 3, text: 'three', tag: 'c' } }]);
    expect(await sync(options)).toMatchObject({ updated: 1, rowsDeduped: 1, rowsReused: 0 });
  });

  it('deletes a point whose text an update emptied', async () => {
    const { options, table, sink } = syncSetup();
    await sync(options);
    table.commit([{ type: 'upsert', row: { id: 2, text: null, tag: 'a' } }]);
    expect(await sync(options)).toMatchObject({ rowsSkipped: 1, rowsDeleted: 1, deleted: 1 });
    expect(await contentsByKey(sink)).toEqual({ 1: 'one', 3: 'three' });
  });

  it('plans a sync without writing', async () => {
    const { options, table, embedder } = syncSetup();
    await sync(options);
    table.commit([
      { type: 'upsert', row: { id: 7, text: 'seven', tag: 'a' } },
      { type: 'delete', row: { id: 1 } },
    ]);
    embedder.reset();
    const plan = await planSync(options);
    expect(plan).toMatchObject({ rowsProcessed: 2, rowsToEmbed: 1, rowsToDelete: 1 });
    expect(embedder.calls).toEqual([]);
    expect((await sync(options)).deleted).toBe(1);
  });
});
