import { describe, expect, it } from 'vitest';
import { DriftError, type LockedError, TransientError } from '../errors/index.js';
import { pointId } from '../identity/point-id.js';
import { planEmbed } from './engine-plan.js';
import { embed } from './engine-run.js';
import { engineSetup, holdLock, rowsOf, sinkContents } from './engine-test-table.js';

describe('embed: what it writes, and how', () => {
  it('packs calls to the embedder’s limits and keeps within its concurrency', async () => {
    const { options, embedder } = engineSetup(rowsOf(100), {
      // each text is 4-5 tokens
      embedder: {
        limits: { maxInputsPerCall: 7, maxTokensPerCall: 20, maxConcurrentCalls: 2 },
        delayMs: 2,
      },
    });
    await embed({ ...options, concurrency: 8 });
    expect(
      embedder.calls.every(
        ({ texts }) =>
          texts.length <= 7 &&
          texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0) <= 20,
      ),
    ).toBe(true);
    expect(embedder.maxInFlight).toBeLessThanOrEqual(2);
    expect(embedder.embeddedTexts().length).toBe(100);
  });

  it('writes the payload contract, with metadata (bigint as string) and without content when asked', async () => {
    const { options, sink, embedder } = engineSetup([
      { id: 1, text: 'hello', tag: 12345678901234567890n },
    ]);
    await embed({ ...options, metadataColumns: ['tag'], storeContent: false });
    const [point] = await sink.retrieve([pointId('array://test', '1')]);
    expect(point?.payload).toMatchObject({
      key: '1',
      source: 'array://test',
      content: null,
      model: embedder.id,
      metadata: { tag: '12345678901234567890' },
    });
    expect(point?.payload.content_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a missing column, naming the option and listing the columns there are, before it records a run', async () => {
    const { options, ledger } = engineSetup(rowsOf(1));
    await expect(embed({ ...options, textColumn: 'body' })).rejects.toThrow(
      'Column "body" (`textColumn`) is not in source "array://test"; its columns are: id, text, tag.',
    );
    await expect(embed({ ...options, keyColumns: ['doc'] })).rejects.toThrow(
      /Key column "doc" \(`keyColumns`\)/,
    );
    await expect(embed({ ...options, metadataColumns: ['when'] })).rejects.toThrow(
      /"when" \(`metadataColumns`\)/,
    );
    expect(await ledger.recentRuns()).toEqual([]);
  });

  it('lets a LockedError through when another run holds the lock', async () => {
    const setup = engineSetup(rowsOf(1));
    const { options } = setup;
    await holdLock(setup, 'holder');
    const error = await embed(options).catch((caught: unknown) => caught);
    expect(DriftError.hasCode(error, 'locked')).toBe(true);
    expect((error as LockedError).holderRunId).toBe('holder');
  });

  it('keeps the last row of a key that appears twice in one batch', async () => {
    const { options, sink, embedder } = engineSetup([
      { id: 1, text: 'older' },
      { id: 2, text: 'other' },
      { id: 1, text: 'newer' },
    ]);
    const result = await embed(options);
    expect(result).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 3,
      rowsEmbedded: 2,
      rowsDeduped: 1,
    });
    expect(embedder.embeddedTexts().sort()).toEqual(['newer', 'other']);
    const points = await sinkContents(sink);
    expect(points.get(pointId('array://test', '1'))?.content).toBe('newer');
  });

  it('looks a key up only after a batch in flight wrote it (a key twice in one scan)', async () => {
    const { options, sink, ledger } = engineSetup(
      [
        { id: 1, text: 'first' },
        { id: 1, text: null },
        { id: 2, text: 'second' },
        { id: 2, text: 'second, edited' },
      ],
      { embedder: { delayMs: 20 } },
    );
    const result = await embed({ ...options, batchSize: 1 });
    expect(result.status).toBe('succeeded');
    const points = await sinkContents(sink);
    expect([...points.values()].map((point) => [point.key, point.content])).toEqual([
      ['2', 'second, edited'],
    ]);
    expect(await ledger.countPoints(sink.id)).toBe(1);
  });

  it('splits writes to the sink’s maxPointsPerWrite and retries a transient sink error', async () => {
    const { options, sink, ledger } = engineSetup(rowsOf(25));
    const sizes: number[] = [];
    let failures = 1;
    const limited = {
      ...sink,
      id: sink.id,
      capabilities: { concurrentWrites: false, maxPointsPerWrite: 10 },
      upsert: async (points: Parameters<typeof sink.upsert>[0]) => {
        if (failures-- > 0) throw new TransientError('connection reset, try again');
        sizes.push(points.length);
        await sink.upsert(points);
      },
    };
    const result = await embed({ ...options, sink: limited, batchSize: 25 });
    expect(result.status).toBe('succeeded');
    expect(sizes).toEqual([10, 10, 5]);
    expect(await ledger.countPoints(sink.id)).toBe(25);
  });

  it('plans without calling the provider or writing', async () => {
    const { options, embedder, sink, table } = engineSetup(rowsOf(10));
    await embed(options);
    table.commit([
      { type: 'upsert', row: { id: 1, text: 'changed', tag: 'x' } },
      { type: 'upsert', row: { id: 2, text: null, tag: 'x' } },
      { type: 'upsert', row: { id: 11, text: 'text number 3', tag: 'x' } },
      { type: 'upsert', row: { id: 12, text: 'new one', tag: 'x' } },
      { type: 'upsert', row: { id: 13, text: 'new one', tag: 'x' } },
    ]);
    embedder.reset();
    const plan = await planEmbed(options);
    expect(plan).toMatchObject({
      rowsProcessed: 13,
      rowsDeduped: 8,
      rowsSkipped: 1,
      rowsToDelete: 1,
      rowsToEmbed: 2,
      rowsToReuse: 2,
    });
    expect(plan.estimatedTokens).toBe(
      Math.ceil('changed'.length / 4) + Math.ceil('new one'.length / 4),
    );
    expect(embedder.calls).toEqual([]);
    expect((await sinkContents(sink)).size).toBe(10);
  });
});
