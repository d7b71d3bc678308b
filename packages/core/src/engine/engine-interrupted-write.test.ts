import { describe, expect, it } from 'vitest';
import { pointId } from '../identity/point-id.js';
import type { Ledger, LedgerBatch } from '../spec/ledger-v1.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { contentsByKey, holdLock, syncSetup } from './engine-test-table.js';

/**
 * A ledger whose next commit of a batch is lost, as when the process dies after the sink
 * acknowledged the batch and before the ledger recorded it (SIGKILL, power loss).
 */
function losingNextBatch(ledger: Ledger): Ledger & { loseNext(): void } {
  let lose = false;
  return Object.assign(Object.create(ledger) as Ledger, {
    loseNext() {
      lose = true;
    },
    async commitBatch(batch: LedgerBatch) {
      if (lose && (batch.upserts.length > 0 || batch.deletes.length > 0)) {
        lose = false;
        throw new Error('process died between the sink write and the ledger commit');
      }
      return ledger.commitBatch(batch);
    },
  });
}

describe('a run that died between the sink write and the ledger commit', () => {
  it('a row it wrote and a later commit deleted is deleted from the sink by the next run', async () => {
    const setup = syncSetup();
    const ledger = losingNextBatch(setup.ledger);
    const options = { ...setup.options, ledger };
    await sync(options);
    setup.table.commit([{ type: 'upsert', row: { id: 4, text: 'four', tag: 'a' } }]);
    ledger.loseNext();
    const died = await sync(options);
    expect(died.status).toBe('failed');
    expect(await contentsByKey(setup.sink)).toMatchObject({ 4: 'four' });

    setup.table.commit([{ type: 'delete', row: { id: 4 } }]);
    const events: string[] = [];
    const next = await sync({ ...options, onEvent: (event) => events.push(event.type) });
    expect(next).toMatchObject({ status: 'succeeded', rowsDeleted: 1, pendingWritesSettled: 1 });
    expect(events).toContain('pending-writes-settled');
    expect(await contentsByKey(setup.sink)).toEqual({ 1: 'one', 2: 'two', 3: 'three' });
    expect(await setup.ledger.countPoints(setup.sink.id)).toBe(3);
    // What the dead run paid is in the ledger, under that run.
    const byRun = await setup.ledger.cost({ by: 'run' });
    expect(byRun.find((row) => row.group === died.runId)).toMatchObject({ embeddings: 1 });
    expect(byRun.reduce((sum, row) => sum + row.embeddings, 0)).toBe(
      setup.embedder.embeddedTexts().length,
    );
  });

  it('a text it wrote over an older one and a later commit put back is written back', async () => {
    const setup = syncSetup();
    const ledger = losingNextBatch(setup.ledger);
    const options = { ...setup.options, ledger };
    await sync(options);
    setup.table.commit([{ type: 'upsert', row: { id: 2, text: 'TWO', tag: 'a' } }]);
    ledger.loseNext();
    expect((await sync(options)).status).toBe('failed');
    expect(await contentsByKey(setup.sink)).toMatchObject({ 2: 'TWO' });

    setup.table.commit([{ type: 'upsert', row: { id: 2, text: 'two', tag: 'a' } }]);
    expect(await sync(options)).toMatchObject({ status: 'succeeded' });
    expect(await contentsByKey(setup.sink)).toEqual({ 1: 'one', 2: 'two', 3: 'three' });
  });

  it('a full embed sweeps a row it wrote that is gone from the table since', async () => {
    const setup = syncSetup();
    const ledger = losingNextBatch(setup.ledger);
    const options = { ...setup.options, ledger };
    await embed(options);
    setup.table.commit([{ type: 'upsert', row: { id: 4, text: 'four', tag: 'a' } }]);
    ledger.loseNext();
    expect((await embed(options)).status).toBe('failed');
    setup.table.commit([{ type: 'delete', row: { id: 4 } }]);
    expect(await embed(options)).toMatchObject({ status: 'succeeded' });
    expect(await contentsByKey(setup.sink)).toEqual({ 1: 'one', 2: 'two', 3: 'three' });
  });

  it('a row it deleted from the sink and a later commit put back is written back', async () => {
    const setup = syncSetup();
    const ledger = losingNextBatch(setup.ledger);
    const options = { ...setup.options, ledger };
    await sync(options);
    setup.table.commit([{ type: 'delete', row: { id: 2 } }]);
    ledger.loseNext();
    expect((await sync(options)).status).toBe('failed');
    expect(await contentsByKey(setup.sink)).toEqual({ 1: 'one', 3: 'three' });

    setup.table.commit([{ type: 'upsert', row: { id: 2, text: 'two', tag: 'a' } }]);
    const next = await sync(options);
    // The sink looked short (2 points, the ledger said 3) only until the write was settled.
    expect(next).toMatchObject({ status: 'succeeded', pendingWritesSettled: 1, inserted: 1 });
    expect(next.sinkLoss).toBeUndefined();
    expect(await contentsByKey(setup.sink)).toEqual({ 1: 'one', 2: 'two', 3: 'three' });
    expect(await setup.ledger.countPoints(setup.sink.id)).toBe(3);
  });

  it('a watch with nothing new still settles what a dead run left', async () => {
    const { options, ledger, sink, source } = syncSetup();
    await sync(options);
    // What a run of the same pair that died after its write leaves: the point rewritten in
    // the sink under its run id, and its note in the ledger.
    const id = pointId(source.id, '3');
    const [point] = await sink.retrieve([id], { withVectors: true });
    await sink.upsert([
      { ...point!, vector: point!.vector!, payload: { ...point!.payload, run_id: 'dead' } },
    ]);
    const live = (await ledger.getPoints(sink.id, [id])).get(id)!;
    await ledger.notePendingWrite({
      runId: 'dead',
      sourceId: source.id,
      sinkId: sink.id,
      upserts: [{ ...live, tokens: 0, costUsd: 0 }],
      deletes: [],
    });
    const next = await sync(options);
    expect(next).toMatchObject({ status: 'succeeded', upToDate: false, pendingWritesSettled: 1 });
    expect(await ledger.pendingWrites(source.id, sink.id)).toEqual([]);
    expect((await ledger.getPoints(sink.id, [id])).get(id)?.runId).toBe('dead');
    // Settled: the next poll with nothing new records no run.
    expect(await sync(options)).toMatchObject({ upToDate: true });
  });

  it('a watch with nothing new answers up to date while the run that left the writes still holds the lock', async () => {
    const setup = syncSetup();
    const { options, ledger, sink, source } = setup;
    await sync(options);
    // A live run of the same pair, between its note and its commit.
    await holdLock(setup, 'live');
    await ledger.notePendingWrite({
      runId: 'live',
      sourceId: source.id,
      sinkId: sink.id,
      upserts: [],
      deletes: [{ pointId: pointId(source.id, '3'), sourceId: source.id, key: '3' }],
    });
    expect(await sync(options)).toMatchObject({ status: 'succeeded', upToDate: true });
    expect(await ledger.pendingWrites(source.id, sink.id)).toHaveLength(1);
  });
});
