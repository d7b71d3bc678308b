import { describe, expect, it } from 'vitest';
import { InputRejectedError } from '../errors/index.js';
import { pointId } from '../identity/point-id.js';
import { createMemoryLedger } from '../memory/index.js';
import { planSync } from './engine-plan.js';
import { changeItems } from './engine-reader.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import {
  commit,
  createArraySource,
  createFailingSink,
  createRecordingEmbedder,
  sinkContents,
} from './engine-test-fakes.js';

function setup() {
  const source = createArraySource({
    rows: [
      { id: 1, text: 'one', tag: 'a' },
      { id: 2, text: 'two', tag: 'a' },
      { id: 3, text: 'three', tag: 'a' },
    ],
    version: 1,
  });
  const sink = createFailingSink();
  const embedder = createRecordingEmbedder();
  const ledger = createMemoryLedger();
  const options = {
    source,
    sink,
    embedder,
    ledger,
    textColumn: 'text',
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  };
  const ref = { sourceId: source.id, sinkId: sink.id, fingerprint: embedder.fingerprint };
  return { source, sink, embedder, ledger, options, ref };
}

async function contents(sink: ReturnType<typeof createFailingSink>) {
  const points = await sinkContents(sink);
  return Object.fromEntries([...points.values()].map((point) => [point.key, point.content]));
}

describe('sync', () => {
  it('bootstraps from a snapshot of the latest version when there is no checkpoint, then follows the feed', async () => {
    const { options, ledger, ref, sink, source, embedder } = setup();
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

    commit(source, [{ type: 'insert', row: { id: 4, text: 'four', tag: 'a' } }]);
    commit(source, [
      { type: 'update_preimage', row: { id: 2, text: 'two', tag: 'a' } },
      { type: 'update_postimage', row: { id: 2, text: 'TWO', tag: 'a' } },
      { type: 'delete', row: { id: 3, text: 'three', tag: 'a' } },
    ]);
    embedder.embedded.length = 0;
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
    expect(embedder.embedded.sort()).toEqual(['TWO', 'four']);
    expect(await contents(sink)).toEqual({ 1: 'one', 2: 'TWO', 4: 'four' });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(3);
    expect(await ledger.countPoints(sink.id)).toBe(3);
  });

  it('after an embed and no checkpoint, follows the feed from the embedded version, so deletes in between land', async () => {
    const { options, ledger, ref, sink, source, embedder } = setup();
    const embedded = await embed(options);
    expect(embedded).toMatchObject({ status: 'succeeded', rowsEmbedded: 3 });
    expect(await ledger.getCheckpoint(ref)).toBeUndefined();

    commit(source, [{ type: 'delete', row: { id: 3, text: 'three', tag: 'a' } }]);
    commit(source, [{ type: 'insert', row: { id: 5, text: 'five', tag: 'a' } }]);
    embedder.embedded.length = 0;
    const watched = await sync(options);
    expect(watched).toMatchObject({
      status: 'succeeded',
      bootstrapped: false,
      sinceVersion: 2,
      toVersion: 3,
      inserted: 1,
      deleted: 1,
    });
    expect(embedder.embedded).toEqual(['five']);
    expect(await contents(sink)).toEqual({ 1: 'one', 2: 'two', 5: 'five' });
    expect(await ledger.countPoints(sink.id)).toBe(3);
    expect((await ledger.getCheckpoint(ref))?.version).toBe(3);
  });

  it('does nothing, and records no run, when there is nothing after the checkpoint', async () => {
    const { options, ledger } = setup();
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
    const { options, source, sink, embedder } = setup();
    await sync(options);
    embedder.embedded.length = 0;
    // Across versions the later version wins: insert then delete = delete.
    commit(source, [{ type: 'insert', row: { id: 10, text: 'short-lived', tag: 'a' } }]);
    commit(source, [{ type: 'delete', row: { id: 10, text: 'short-lived', tag: 'a' } }]);
    // update twice = the last update; pre-images are never embedded
    commit(source, [
      { type: 'update_preimage', row: { id: 1, text: 'one', tag: 'a' } },
      { type: 'update_postimage', row: { id: 1, text: 'first edit', tag: 'a' } },
    ]);
    commit(source, [
      { type: 'update_preimage', row: { id: 1, text: 'first edit', tag: 'a' } },
      { type: 'update_postimage', row: { id: 1, text: 'second edit', tag: 'a' } },
    ]);
    // delete of a key that was never embedded is harmless
    commit(source, [{ type: 'delete', row: { id: 99, text: 'never seen', tag: 'a' } }]);
    const result = await sync(options);
    expect(result.status).toBe('succeeded');
    expect(embedder.embedded).toEqual(['second edit']);
    expect(result).toMatchObject({ inserted: 0, updated: 1, deleted: 0, rowsDeleted: 0 });
    expect(await contents(sink)).toEqual({ 1: 'second edit', 2: 'two', 3: 'three' });
  });

  it('keeps a row that one commit deletes and inserts (a rewrite), whatever the arrival order', async () => {
    const { options, source, sink, embedder, ledger } = setup();
    await sync(options);
    embedder.embedded.length = 0;
    const rewrite = (
      version: number,
      first: 'delete' | 'insert',
      id: number,
      before: string,
      after: string,
    ) => {
      const remove = { type: 'delete' as const, row: { id, text: before, tag: 'a' } };
      const add = { type: 'insert' as const, row: { id, text: after, tag: 'a' } };
      for (const change of first === 'delete' ? [remove, add] : [add, remove])
        source.changeLog.push({ ...change, commitVersion: version, commitTimestamp: 0 });
    };
    // v2: a no-op rewrite of key 1 (delete first) and of key 2 (insert first, as the native
    // feed yields a commit's adds before its removes); key 3's text changes in the rewrite.
    rewrite(2, 'delete', 1, 'one', 'one');
    rewrite(2, 'insert', 2, 'two', 'two');
    rewrite(2, 'insert', 3, 'three', 'THREE');
    // v3: key 4, never embedded, is inserted twice in one commit (a key duplicated by the
    // writer) around a delete: the later insert wins.
    source.changeLog.push(
      {
        type: 'insert',
        row: { id: 4, text: 'four (first)', tag: 'a' },
        commitVersion: 3,
        commitTimestamp: 0,
      },
      {
        type: 'delete',
        row: { id: 4, text: 'four (first)', tag: 'a' },
        commitVersion: 3,
        commitTimestamp: 0,
      },
      {
        type: 'insert',
        row: { id: 4, text: 'four', tag: 'a' },
        commitVersion: 3,
        commitTimestamp: 0,
      },
    );
    // Across versions the later version still wins: key 2 is deleted at v4.
    source.changeLog.push({
      type: 'delete',
      row: { id: 2, text: 'two', tag: 'a' },
      commitVersion: 4,
      commitTimestamp: 0,
    });
    source.version = 4;
    const result = await sync(options);
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
    expect(embedder.embedded.sort()).toEqual(['THREE', 'four']);
    expect(await contents(sink)).toEqual({ 1: 'one', 3: 'THREE', 4: 'four' });
    expect(await ledger.countPoints(sink.id)).toBe(3);
  });

  it('keeps the checkpoint when a row fails, and the next run retries from there', async () => {
    const { options, source, ref, ledger, embedder, sink } = setup();
    await sync(options);
    commit(source, [
      { type: 'insert', row: { id: 5, text: 'five', tag: 'a' } },
      { type: 'insert', row: { id: 6, text: 'rejected text', tag: 'a' } },
    ]);
    embedder.failWith = (texts) =>
      texts.includes('rejected text')
        ? new InputRejectedError(
            'not this one',
            texts.length === 1 ? {} : { inputIndex: texts.indexOf('rejected text') },
          )
        : undefined;
    const partial = await sync(options);
    expect(partial).toMatchObject({ status: 'partial', rowsFailed: 1, inserted: 1 });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);

    embedder.failWith = undefined;
    embedder.embedded.length = 0;
    const retry = await sync(options);
    expect(retry).toMatchObject({
      status: 'succeeded',
      sinceVersion: 2,
      rowsEmbedded: 1,
      rowsDeduped: 1,
    });
    expect(embedder.embedded).toEqual(['rejected text']);
    expect((await ledger.getCheckpoint(ref))?.version).toBe(2);
    expect(await contents(sink)).toMatchObject({ 5: 'five', 6: 'rejected text' });
  });

  it('keeps the checkpoint when the sink fails', async () => {
    const { options, source, ref, ledger, sink } = setup();
    await sync(options);
    commit(source, [{ type: 'insert', row: { id: 5, text: 'five', tag: 'a' } }]);
    sink.failAfterWrites = 0;
    expect((await sync(options)).status).toBe('failed');
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);
    sink.failAfterWrites = undefined;
    expect(await sync(options)).toMatchObject({ status: 'succeeded', inserted: 1 });
    expect((await ledger.getCheckpoint(ref))?.version).toBe(2);
    expect(await ledger.countPoints(sink.id)).toBe(4);
    expect(sink.upserted.filter((id) => id === pointId(source.id, '5'))).toHaveLength(1);
  });

  it('rewrites the metadata of a row whose text did not change, without calling the provider', async () => {
    const { options, source, sink, embedder } = setup();
    await sync({ ...options, metadataColumns: ['tag'] });
    commit(source, [{ type: 'update_postimage', row: { id: 2, text: 'two', tag: 'b' } }]);
    embedder.calls.length = 0;
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
    commit(source, [{ type: 'update_postimage', row: { id: 3, text: 'three', tag: 'c' } }]);
    expect(await sync(options)).toMatchObject({ updated: 1, rowsDeduped: 1, rowsReused: 0 });
  });

  it('deletes a point whose text an update emptied', async () => {
    const { options, source, sink } = setup();
    await sync(options);
    commit(source, [{ type: 'update_postimage', row: { id: 2, text: null, tag: 'a' } }]);
    expect(await sync(options)).toMatchObject({ rowsSkipped: 1, rowsDeleted: 1, deleted: 1 });
    expect(await contents(sink)).toEqual({ 1: 'one', 3: 'three' });
  });

  it('plans a sync without writing', async () => {
    const { options, source, embedder } = setup();
    await sync(options);
    commit(source, [
      { type: 'insert', row: { id: 7, text: 'seven', tag: 'a' } },
      { type: 'delete', row: { id: 1, text: 'one', tag: 'a' } },
    ]);
    embedder.calls.length = 0;
    const plan = await planSync(options);
    expect(plan).toMatchObject({ rowsProcessed: 2, rowsToEmbed: 1, rowsToDelete: 1 });
    expect(embedder.calls).toEqual([]);
    expect((await sync(options)).deleted).toBe(1);
  });

  it('flushes the net effect at version boundaries on a long ordered feed, and refuses one that goes back', async () => {
    const { source } = setup();
    for (let version = 0; version < 6; version++) {
      commit(source, [
        { type: 'insert', row: { id: version * 2 + 100, text: `v${version}`, tag: 'a' } },
        { type: 'update_postimage', row: { id: 1, text: `edit ${version}`, tag: 'a' } },
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
    const batches: string[][] = [];
    for await (const batch of changeItems(context, 2, 7, 3))
      batches.push(batch.map((item) => `${item.key}:${item.text}`));
    const all = batches.flat();
    // Memory stays bounded: it flushed more than once; key 1 appears once per flush, its last edit last.
    expect(all.filter((entry) => entry.startsWith('1:')).length).toBeGreaterThan(1);
    expect(all.filter((entry) => entry.startsWith('1:')).at(-1)).toBe('1:edit 5');
    expect(all.filter((entry) => !entry.startsWith('1:')).sort()).toEqual(
      ['100:v0', '102:v1', '104:v2', '106:v3', '108:v4', '110:v5'].sort(),
    );

    source.changeLog.push({
      type: 'insert',
      row: { id: 500, text: 'late', tag: 'a' },
      commitVersion: 2,
      commitTimestamp: 0,
    });
    const consume = async () => {
      for await (const _batch of changeItems(context, 2, 7, 3)) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/commit-version order/);
  });
});
