import { describe, expect, it } from 'vitest';
import { markdownDocument } from '../chunking/chunk-test-documents.js';
import { chunkSetup, expectedPoints, storedPoints } from '../engine/engine-chunks-test-setup.js';
import { sync } from '../engine/engine-sync.js';
import { createMemorySink } from '../memory/index.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { backfillMigration, syncMigration } from './migrate-sync.js';

/** SINK_A chunked with model A; SINK_B, empty, for model B of another dimension. */
async function chunkedMigration() {
  const setup = chunkSetup();
  await sync(setup.options);
  const b = {
    sink: createMemorySink({ id: 'memory://b' }),
    embedder: createRecordingEmbedder({ id: 'test/model-b', dimensions: 24 }),
  };
  const common = { ...setup.options, sink: undefined, embedder: undefined };
  return { ...setup, b, common };
}

describe('migration of a chunked sink', () => {
  it('backfills SINK_B in chunks, and one read of the feed applies an edit to the chunks of both', async () => {
    const { table, source, options, sink, embedder, b, common } = await chunkedMigration();
    // The table moves on while SINK_B is backfilled from the pinned version.
    const latest = table.commit([
      { type: 'upsert', row: { id: 4, text: markdownDocument(4, 6), tag: 'd' } },
    ]);
    const backfill = await backfillMigration({ ...common, ...b, version: latest - 1 });
    expect(backfill.scan.status).toBe('succeeded');
    expect(backfill.toVersion).toBe(latest);
    expect(await storedPoints(b.sink)).toEqual(expectedPoints(source.id, table.rows, b.embedder));

    // An edit of one section of a long document, and a deleted row.
    const edited = String(table.rows[0]!.text).replace(
      /## Section 3[^#]*/,
      '## Section 3\n\nNew words.\n\n',
    );
    expect(edited).not.toBe(table.rows[0]!.text);
    table.commit([
      { type: 'upsert', row: { ...table.rows[0]!, text: edited } },
      { type: 'delete', row: table.rows[1]! },
    ]);
    b.embedder.reset();
    const result = await syncMigration({ ...options, target: b });
    expect(result.target?.status).toBe('succeeded');
    expect(await storedPoints(sink)).toEqual(expectedPoints(source.id, table.rows, embedder));
    expect(await storedPoints(b.sink)).toEqual(expectedPoints(source.id, table.rows, b.embedder));
    // SINK_B paid for the edited document's new chunk texts only.
    expect(b.embedder.embeddedTexts().length).toBeGreaterThan(0);
    expect(b.embedder.embeddedTexts().length).toBeLessThanOrEqual(2);
  });
});
