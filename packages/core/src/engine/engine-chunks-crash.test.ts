import { describe, expect, it } from 'vitest';
import { paragraph, seeded } from '../chunking/chunk-test-documents.js';
import { createFailingSink } from '../testkit/failing-sink.js';
import { chunkSetup, expectedPoints, storedPoints } from './engine-chunks-test-setup.js';
import { embed } from './engine-run.js';

describe('chunked runs stopped by a failing sink', () => {
  it('a re-run converges to the table and pays no chunk text the failed run wrote', async () => {
    const setup = chunkSetup();
    const { sink, embedder, table, source } = setup;
    const failing = createFailingSink({ inner: sink, failAfterWrites: 2 });
    const first = await embed({ ...setup.options, sink: failing, batchSize: 1 });
    expect(first.status).toBe('failed');
    const written = new Set([...(await storedPoints(sink)).values()].map((point) => point.content));
    expect(written.size).toBeGreaterThan(0);

    embedder.reset();
    const second = await embed({ ...setup.options, batchSize: 1 });
    expect(second.status).toBe('succeeded');
    expect(embedder.embeddedTexts().filter((text) => written.has(text))).toEqual([]);
    expect(await storedPoints(sink)).toEqual(expectedPoints(source.id, table.rows, embedder));
  });

  it('a shortened and edited row stopped between its deletes and its upserts converges', async () => {
    const setup = chunkSetup();
    const { sink, table, source, embedder } = setup;
    await embed(setup.options);
    const row = table.rows.find((candidate) => candidate.id === 1)!;
    const paragraphs = String(row.text).split('\n\n');
    paragraphs.splice(Math.floor(paragraphs.length / 2));
    paragraphs[3] = paragraph(seeded(900));
    table.commit([{ type: 'upsert', row: { ...row, text: paragraphs.join('\n\n') } }]);

    // One write goes through (the deletes of the chunks past the new count), the upserts fail.
    const failing = createFailingSink({ inner: sink, failAfterWrites: 1 });
    expect((await embed({ ...setup.options, sink: failing })).status).toBe('failed');
    expect(failing.writes).toBe(1);
    const second = await embed(setup.options);
    expect(second.status).toBe('succeeded');
    expect(await storedPoints(sink)).toEqual(expectedPoints(source.id, table.rows, embedder));
    expect(await setup.ledger.countPoints(sink.id)).toBe((await storedPoints(sink)).size);
  });
});
