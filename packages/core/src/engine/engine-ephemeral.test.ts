import { describe, expect, it } from 'vitest';
import { createMemoryLedger, createMemorySink, createMemorySinkStore } from '../memory/index.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { planEmbed } from './engine-plan.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { sinkContents, testTable } from './engine-test-table.js';

const rows = () => [1, 2, 3].map((id) => ({ id, text: `ticket ${id}`, tag: 'x' }));

/** A new, empty store each time, under one id: what `pglite://memory` is to a new process. */
function freshStore() {
  return Object.assign(createMemorySink({ id: 'memory://fresh' }), { persistent: false });
}

describe('a sink that is not persistent', () => {
  it('is never deduped against the ledger: every run fills the new store', async () => {
    const ledger = createMemoryLedger();
    const table = testTable(rows());
    const source = table.source;
    const options = { source, embedder: createRecordingEmbedder(), ledger, textColumn: 'text' };
    await embed({ ...options, sink: freshStore() });
    expect(await planEmbed({ ...options, sink: freshStore() })).toMatchObject({
      rowsToEmbed: 3,
      rowsDeduped: 0,
    });
    const sink = freshStore();
    expect(await embed({ ...options, sink })).toMatchObject({ rowsEmbedded: 3, rowsDeduped: 0 });
    expect((await sinkContents(sink)).size).toBe(3);
  });

  it('is never resumed from a checkpoint: a sync starts from a snapshot', async () => {
    const ledger = createMemoryLedger();
    const table = testTable(rows());
    const source = table.source;
    const options = { source, embedder: createRecordingEmbedder(), ledger, textColumn: 'text' };
    await sync({ ...options, sink: freshStore() });
    table.commit([{ type: 'upsert', row: { id: 4, text: 'ticket 4', tag: 'x' } }]);
    const sink = freshStore();
    expect(await sync({ ...options, sink })).toMatchObject({ bootstrapped: true, rowsEmbedded: 4 });
    expect((await sinkContents(sink)).size).toBe(4);
  });

  it('a persistent sink that kept its points trusts the ledger (the contrast)', async () => {
    const ledger = createMemoryLedger();
    const table = testTable(rows());
    const source = table.source;
    const options = { source, embedder: createRecordingEmbedder(), ledger, textColumn: 'text' };
    const store = createMemorySinkStore();
    await embed({ ...options, sink: createMemorySink({ id: 'memory://kept', store }) });
    expect(
      await embed({ ...options, sink: createMemorySink({ id: 'memory://kept', store }) }),
    ).toMatchObject({ rowsEmbedded: 0, rowsDeduped: 3 });
  });
});
