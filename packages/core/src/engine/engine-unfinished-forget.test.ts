import { describe, expect, it } from 'vitest';
import { zeroCounters } from '../ledger-support/ledger-support.js';
import { forget } from '../maintenance/forget.js';
import { repair } from '../maintenance/repair.js';
import type { Ledger } from '../spec/ledger-v1.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { contentsByKey, syncSetup } from './engine-test-table.js';

/** A ledger whose next `recordErasure` fails: `forget` dies after the sink delete, before the record. */
function failingNextErasure(ledger: Ledger): Ledger {
  let fail = true;
  return Object.assign(Object.create(ledger) as Ledger, {
    async recordErasure(...args: unknown[]) {
      if (fail) {
        fail = false;
        throw new Error('process died between the sink delete and the ledger record');
      }
      return (ledger.recordErasure as (...a: unknown[]) => Promise<void>)(...args);
    },
  });
}

describe('a forget that did not finish', () => {
  it('stops later runs and repair from embedding its rows again until forget is run again', async () => {
    const setup = syncSetup();
    const { sink, source, embedder } = setup;
    await sync(setup.options);
    const ledger = failingNextErasure(setup.ledger);
    const forgetTwo = (on: Ledger) =>
      forget({ ledger: on, sourceId: source.id, keys: ['2'], openSink: async () => sink });
    await expect(forgetTwo(ledger)).rejects.toThrow(/died between/);
    // The sink lost the row; the ledger still holds it as live.
    expect(await contentsByKey(sink)).toEqual({ 1: 'one', 3: 'three' });
    expect(await setup.ledger.countPoints(sink.id)).toBe(3);

    // A watch and a full embed both refuse, and write nothing: the row is not embedded again.
    setup.table.commit([{ type: 'upsert', row: { id: 4, text: 'four', tag: 'a' } }]);
    const paid = embedder.embeddedTexts().length;
    for (const run of [() => sync(setup.options), () => embed(setup.options)]) {
      const refused = await run();
      expect(refused.status).toBe('failed');
      expect(refused.error).toMatch(/drift forget of 1 key\(s\).*Run the same drift forget again/);
    }
    // repair too (its ledger fix would drop the rows as missing, its embed write them back)
    await expect(repair(setup.options)).rejects.toThrow(/Run the same drift forget again/);
    expect(await contentsByKey(sink)).toEqual({ 1: 'one', 3: 'three' });
    expect(embedder.embeddedTexts().length).toBe(paid);

    // The same forget again completes the erasure; runs go ahead and keep the row out.
    const done = await forgetTwo(setup.ledger);
    expect(done.receipts).toHaveLength(1);
    expect(await sync(setup.options)).toMatchObject({ status: 'succeeded', rowsEmbedded: 1 });
    expect(await embed(setup.options)).toMatchObject({ status: 'succeeded', rowsForgotten: 1 });
    expect(await contentsByKey(sink)).toEqual({ 1: 'one', 3: 'three', 4: 'four' });
    expect(embedder.embeddedTexts().filter((text) => text === 'two')).toHaveLength(1);
  });

  it('a forget that succeeded leaves later runs alone, and so does an older failed one that runs wrote after', async () => {
    const setup = syncSetup();
    await sync(setup.options);
    const { ledger, sink, source } = setup;
    // A failed forget that a run succeeded after (the sync above started later: a ledger
    // from before the check): that state is older than anything the next run could undo.
    await ledger.startRun({
      runId: 'old-forget',
      kind: 'forget',
      sourceId: source.id,
      sinkId: sink.id,
      model: 'none',
      fingerprint: 'none',
      usdPerMillionTokens: 0,
      priceSource: 'forget',
      options: { keys: 1 },
      startedAt: new Date(Date.now() - 60_000),
    });
    await ledger.finishRun('old-forget', {
      status: 'failed',
      counters: zeroCounters(),
      finishedAt: new Date(Date.now() - 59_000),
    });
    setup.table.commit([{ type: 'upsert', row: { id: 4, text: 'four', tag: 'a' } }]);
    expect(await sync(setup.options)).toMatchObject({ status: 'succeeded', rowsEmbedded: 1 });
    // A forget that succeeded, of a key the table does not have: nothing to finish.
    await forget({ ledger, sourceId: source.id, keys: ['9'], openSink: async () => sink });
    setup.table.commit([{ type: 'upsert', row: { id: 5, text: 'five', tag: 'a' } }]);
    expect(await sync(setup.options)).toMatchObject({ status: 'succeeded', rowsEmbedded: 1 });
  });
});
