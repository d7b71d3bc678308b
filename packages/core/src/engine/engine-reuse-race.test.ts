import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Source } from '../spec/source-v1.js';
import { embed } from './engine-run.js';
import { engineSetup } from './engine-test-table.js';

/** A source that pauses after each batch, so the write of one batch runs before the next is read. */
function pausing(source: Source, ms: number): Source {
  const slow = Object.create(source) as Source;
  slow.scan = async function* (options) {
    for await (const batch of source.scan(options)) {
      yield batch;
      await sleep(ms);
    }
  };
  return slow;
}

describe('reusing a vector while an earlier batch rewrites its point', () => {
  it('copies it from a point that keeps the text, not the one being rewritten: nothing paid twice', async () => {
    // Rows 1 and 3 hold the same text; the ledger names row 1's point for it.
    const setup = engineSetup([
      { id: 1, text: 'alpha' },
      { id: 2, text: 'beta' },
      { id: 3, text: 'alpha' },
    ]);
    const { table, embedder, ledger, options } = setup;
    await embed(options);
    // Row 1 changes text in the first batch; row 4 takes row 1's old text in the second,
    // read while the first batch's ledger commit is still under way (its sink write done).
    table.commit([
      { type: 'upsert', row: { id: 1, text: 'gamma', tag: 'x' } },
      { type: 'upsert', row: { id: 4, text: 'alpha', tag: 'x' } },
    ]);
    embedder.reset();
    const slowLedger = {
      ...ledger,
      commitBatch: async (batch: Parameters<typeof ledger.commitBatch>[0]) => {
        await sleep(40);
        await ledger.commitBatch(batch);
      },
    };
    const result = await embed({
      ...options,
      source: pausing(table.source, 10),
      ledger: slowLedger,
      batchSize: 2,
    });
    expect(result).toMatchObject({ status: 'succeeded', rowsEmbedded: 1, rowsReused: 1 });
    expect(embedder.embeddedTexts()).toEqual(['gamma']);
  });
});
