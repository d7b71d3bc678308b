import { describe, expect, it } from 'vitest';
import { paragraph, seeded } from '../chunking/chunk-test-documents.js';
import { chunkPointId } from '../identity/point-id.js';
import { createMemoryLedger } from '../memory/memory-ledger.js';
import { collect } from '../testkit/testkit-helpers.js';
import { adoptSink } from './engine-adopt.js';
import {
  chunkSetup,
  chunkTexts,
  expectedPoints,
  storedPoints,
} from './engine-chunks-test-setup.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';

type Setup = ReturnType<typeof chunkSetup>;

/** Edits row 1's paragraphs, runs `embed`, and checks the sink and what was paid. */
async function editAndEmbed(setup: Setup, edit: (paragraphs: string[]) => void) {
  const { table, embedder, options, sink, source } = setup;
  const before = chunkTexts(table.rows, embedder);
  const row = table.rows.find((candidate) => candidate.id === 1)!;
  const paragraphs = String(row.text).split('\n\n');
  edit(paragraphs);
  table.commit([{ type: 'upsert', row: { ...row, text: paragraphs.join('\n\n') } }]);
  embedder.reset();
  const result = await embed(options);
  expect(result.status).toBe('succeeded');
  const fresh = [...chunkTexts(table.rows, embedder)].filter((text) => !before.has(text));
  // Only chunk texts never embedded before are paid, each once.
  expect(embedder.embeddedTexts().sort()).toEqual(fresh.sort());
  expect(await storedPoints(sink)).toEqual(expectedPoints(source.id, table.rows, embedder));
  return { result, paid: fresh.length };
}

describe('embed with chunking', () => {
  it('writes one point per chunk with the row key, its metadata and the chunk position', async () => {
    const setup = chunkSetup();
    const { options, sink, source, table, embedder, ledger } = setup;
    const result = await embed(options);
    const expected = expectedPoints(source.id, table.rows, embedder);
    expect(expected.size).toBeGreaterThan(10);
    expect(result).toMatchObject({ status: 'succeeded', rowsEmbedded: expected.size });
    expect(await storedPoints(sink)).toEqual(expected);
    expect(await ledger.countPoints(sink.id)).toBe(expected.size);
    expect(embedder.embeddedTexts().length).toBe(chunkTexts(table.rows, embedder).size);

    embedder.reset();
    expect(await embed(options)).toMatchObject({ status: 'succeeded', rowsEmbedded: 0 });
    expect(embedder.calls).toHaveLength(0);
  });

  it('pays only for changed chunk texts: edit, early insert (shifted chunks reused), shorten', async () => {
    const setup = chunkSetup();
    await embed(setup.options);

    const edited = await editAndEmbed(setup, (paragraphs) => {
      paragraphs[paragraphs.length - 3] = paragraph(seeded(501));
    });
    expect(edited.paid).toBeGreaterThanOrEqual(1);
    expect(edited.paid).toBeLessThanOrEqual(2);

    const inserted = await editAndEmbed(setup, (paragraphs) => {
      paragraphs.splice(2, 0, paragraph(seeded(502)));
    });
    expect(inserted.paid).toBeLessThanOrEqual(2);
    expect(inserted.result.rowsReused).toBeGreaterThan(0);

    const countBefore = await setup.ledger.countPoints(setup.sink.id);
    const shortened = await editAndEmbed(setup, (paragraphs) => {
      paragraphs.splice(Math.floor(paragraphs.length / 2));
    });
    expect(shortened.paid).toBeLessThanOrEqual(1);
    expect(shortened.result.rowsDeleted).toBeGreaterThan(0);
    expect(await setup.ledger.countPoints(setup.sink.id)).toBeLessThan(countBefore);
  });

  it('an edit undone pays nothing: the ledger kept the vectors of the chunks the edit took out', async () => {
    const setup = chunkSetup();
    const { options, table, embedder, sink, source } = setup;
    await embed(options);
    const row = table.rows.find((candidate) => candidate.id === 1)!;
    const original = String(row.text);
    const paragraphs = original.split('\n\n');
    paragraphs.splice(3, 1, paragraph(seeded(503)));
    paragraphs.splice(paragraphs.length - 4, 2);
    table.commit([{ type: 'upsert', row: { ...row, text: paragraphs.join('\n\n') } }]);
    embedder.reset();
    expect(await embed(options)).toMatchObject({ status: 'succeeded' });
    expect(embedder.embeddedTexts().length).toBeGreaterThan(0);

    table.commit([{ type: 'upsert', row: { ...row, text: original } }]);
    embedder.reset();
    const undone = await embed(options);
    expect(undone).toMatchObject({ status: 'succeeded', rowsEmbedded: 0, tokens: 0 });
    expect(undone.rowsReused).toBeGreaterThan(0);
    expect(embedder.calls).toHaveLength(0);
    // The vectors put back are the ones the texts had: the sink equals a fresh embed.
    expect(await storedPoints(sink)).toEqual(expectedPoints(source.id, table.rows, embedder));
    const fresh = chunkSetup();
    await embed(fresh.options);
    const vectors = async (target: Setup['sink']) =>
      new Map(
        (await collect(target.scan({ withVectors: true })))
          .flat()
          .map((p) => [p.id, [...p.vector!]]),
      );
    expect(await vectors(sink)).toEqual(await vectors(fresh.sink));
  });

  it('a deleted row and a row whose text became empty lose all their chunks (sync)', async () => {
    const setup = chunkSetup();
    const { options, sink, source, table, embedder, ledger } = setup;
    await sync(options);
    const row2 = table.rows.find((row) => row.id === 2)!;
    const gone = [...(await storedPoints(sink)).values()]
      .filter((point) => point.key !== '3')
      .map((point) => String(point.content_hash));
    table.commit([
      { type: 'delete', row: { id: 1 } },
      { type: 'upsert', row: { ...row2, text: '   ' } },
    ]);
    embedder.reset();
    const result = await sync(options);
    expect(result.status).toBe('succeeded');
    expect(embedder.calls).toHaveLength(0);
    expect(await storedPoints(sink)).toEqual(expectedPoints(source.id, table.rows, embedder));
    expect([...(await storedPoints(sink)).values()].map((point) => point.key)).toEqual(['3']);
    // A deleted or emptied row leaves no vector behind in the ledger either.
    expect((await ledger.findRetiredVectors(sink.id, embedder.fingerprint, gone)).size).toBe(0);
    expect(await ledger.pointsOfKeys!(sink.id, source.id, ['1', '2'])).toEqual([]);
  });

  it('a full embed sweeps every chunk of a row gone from the table', async () => {
    const setup = chunkSetup();
    const { options, sink, source, table, embedder } = setup;
    await embed(options);
    table.commit([{ type: 'delete', row: { id: 2 } }]);
    const result = await embed(options);
    expect(result.rowsSwept).toBeGreaterThan(1);
    expect(await storedPoints(sink)).toEqual(expectedPoints(source.id, table.rows, embedder));
    expect(await sink.retrieve([chunkPointId(source.id, '2', 0)])).toEqual([]);
  });

  it('a lost ledger adopts the chunk points from the sink, and the next run pays nothing', async () => {
    const setup = chunkSetup();
    await embed(setup.options);
    const points = (await storedPoints(setup.sink)).size;
    const options = { ...setup.options, ledger: createMemoryLedger() };
    expect(await adoptSink(options)).toMatchObject({ adopted: points, foreign: 0 });
    setup.embedder.reset();
    expect(await embed(options)).toMatchObject({ status: 'succeeded', rowsEmbedded: 0 });
    expect(setup.embedder.calls).toHaveLength(0);
  });

  it('refuses a metadata column named like a chunk field, and a ledger that cannot list a row’s points', async () => {
    const setup = chunkSetup();
    await expect(embed({ ...setup.options, metadataColumns: ['chunk_index'] })).rejects.toThrow(
      /metadata column "chunk_index"/,
    );
    const { pointsOfKeys: _, ...ledger } = setup.ledger;
    await expect(embed({ ...setup.options, ledger })).rejects.toThrow(/pointsOfKeys/);
  });
});
