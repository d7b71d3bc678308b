import { describe, expect, it } from 'vitest';
import { pointId } from '../identity/point-id.js';
import { embed } from './engine-run.js';
import { engineSetup, rowsOf, sinkContents } from './engine-test-table.js';

describe('embed: what it pays for', () => {
  it("puts the source's row count on run-start for a scan of the latest version only", async () => {
    const { options, source, events, table } = engineSetup(rowsOf(3));
    table.commit();
    const describeTable = source.describe.bind(source);
    source.describe = async () => ({ ...(await describeTable()), rowCount: 3 });
    await embed(options);
    expect(events.find((event) => event.type === 'run-start')).toMatchObject({ totalRows: 3 });
    events.length = 0;
    await embed({ ...options, version: 0 });
    const start = events.find((event) => event.type === 'run-start');
    expect(start).toBeDefined();
    expect(start).not.toHaveProperty('totalRows');
  });

  it('pays once for a text shared by keys in two batches in flight, and reuses its vector', async () => {
    const { options, embedder, sink } = engineSetup([
      { id: 1, text: 'shared across batches' },
      { id: 2, text: 'shared across batches' },
    ]);
    const result = await embed({ ...options, batchSize: 1 });
    expect(result).toMatchObject({ status: 'succeeded', rowsEmbedded: 1, rowsReused: 1 });
    expect(embedder.embeddedTexts()).toEqual(['shared across batches']);
    expect((await sinkContents(sink)).size).toBe(2);
  });

  it('gives two rows with the same text two points, and calls the provider once for that text', async () => {
    const { options, embedder, sink, ledger } = engineSetup([
      { id: 1, text: 'the same text' },
      { id: 2, text: 'the same text' },
    ]);
    const result = await embed(options);
    expect(result.status).toBe('succeeded');
    expect(embedder.embeddedTexts()).toEqual(['the same text']);
    const points = await sinkContents(sink);
    expect([...points.keys()].sort()).toEqual(
      [pointId('array://test', '1'), pointId('array://test', '2')].sort(),
    );
    expect(points.get(pointId('array://test', '2'))?.content).toBe('the same text');
    expect(result).toMatchObject({
      rowsProcessed: 2,
      rowsEmbedded: 1,
      rowsReused: 1,
      rowsDeduped: 0,
    });
    expect(await ledger.countPoints(sink.id)).toBe(2);
  });

  it('calls the provider zero times on a second run over unchanged rows, and says so', async () => {
    const { options, embedder } = engineSetup(rowsOf(250));
    const first = await embed({ ...options, batchSize: 100 });
    expect(first).toMatchObject({ status: 'succeeded', rowsProcessed: 250, rowsEmbedded: 250 });
    const callsAfterFirst = embedder.calls.length;
    const second = await embed({ ...options, batchSize: 100 });
    expect(embedder.calls.length).toBe(callsAfterFirst);
    expect(second).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 250,
      rowsDeduped: 250,
      rowsEmbedded: 0,
      rowsReused: 0,
      tokens: 0,
      costUsd: 0,
    });
  });

  it('re-embeds exactly a changed row, under the same point id', async () => {
    const { options, embedder, table, sink } = engineSetup(rowsOf(20));
    await embed(options);
    embedder.reset();
    table.commit([{ type: 'upsert', row: { id: 7, text: 'a brand new text', tag: 'x' } }]);
    const result = await embed(options);
    expect(embedder.embeddedTexts()).toEqual(['a brand new text']);
    expect(result).toMatchObject({ rowsEmbedded: 1, rowsDeduped: 19 });
    const points = await sinkContents(sink);
    expect(points.size).toBe(20);
    expect(points.get(pointId('array://test', '7'))?.content).toBe('a brand new text');
  });

  it('counts null and empty text as skipped and deletes the row’s earlier point', async () => {
    const { options, table, sink, ledger, embedder } = engineSetup(rowsOf(5));
    await embed(options);
    table.commit([
      { type: 'upsert', row: { id: 2, text: null, tag: 'x' } },
      { type: 'upsert', row: { id: 3, text: '', tag: 'x' } },
      { type: 'upsert', row: { id: 4, text: '   ', tag: 'x' } },
    ]);
    embedder.reset();
    const result = await embed(options);
    expect(result).toMatchObject({
      status: 'succeeded',
      rowsSkipped: 3,
      rowsDeleted: 3,
      rowsDeduped: 2,
      rowsFailed: 0,
    });
    expect(embedder.calls).toEqual([]);
    const points = await sinkContents(sink);
    expect([...points.values()].map((point) => point.key).sort()).toEqual(['1', '5']);
    expect(await ledger.countPoints(sink.id)).toBe(2);
    // Skipped again, nothing left to delete.
    expect(await embed(options)).toMatchObject({ rowsSkipped: 3, rowsDeleted: 0 });
  });

  it('records per-point cost that adds up to the run cost', async () => {
    const { options, ledger, sink } = engineSetup(rowsOf(30));
    const result = await embed(options);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.tokens).toBe(
      rowsOf(30).reduce((sum, row) => sum + Math.ceil(row.text.length / 4), 0),
    );
    const byRun = await ledger.cost({ by: 'run' });
    expect(byRun[0]?.costUsd).toBeCloseTo(result.costUsd, 12);
    expect(byRun[0]?.tokens).toBe(result.tokens);
    expect(await ledger.countPoints(sink.id)).toBe(30);
  });

  it('reuses the vector of a text already embedded under another key instead of paying again', async () => {
    const { options, table, embedder, sink } = engineSetup(rowsOf(3));
    await embed(options);
    embedder.reset();
    table.commit([{ type: 'upsert', row: { id: 4, text: 'text number 2', tag: 'x' } }]);
    const result = await embed(options);
    expect(embedder.calls).toEqual([]);
    expect(result).toMatchObject({ rowsReused: 1, rowsEmbedded: 0, rowsDeduped: 3, tokens: 0 });
    const points = await sinkContents(sink);
    expect(points.get(pointId('array://test', '4'))?.vector).toEqual(
      points.get(pointId('array://test', '2'))?.vector,
    );
  });

  it('embeds a text again when the point the ledger would reuse no longer holds it in the sink', async () => {
    const { options, table, embedder, sink } = engineSetup(rowsOf(2));
    await embed(options);
    // Someone rewrote point 2 behind the ledger's back.
    const [stale] = await sink.retrieve([pointId('array://test', '2')], { withVectors: true });
    await sink.upsert([
      {
        ...stale!,
        vector: stale!.vector!,
        payload: { ...stale!.payload, content_hash: 'f'.repeat(64) },
      },
    ]);
    embedder.reset();
    table.commit([{ type: 'upsert', row: { id: 3, text: 'text number 2', tag: 'x' } }]);
    const result = await embed(options);
    expect(result).toMatchObject({ rowsEmbedded: 1, rowsReused: 0 });
    expect(embedder.embeddedTexts()).toEqual(['text number 2']);
  });
});
