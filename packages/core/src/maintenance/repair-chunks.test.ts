import { describe, expect, it } from 'vitest';
import { chunkSetup, expectedPoints, storedPoints } from '../engine/engine-chunks-test-setup.js';
import { embed } from '../engine/engine-run.js';
import { chunkPointId } from '../identity/point-id.js';
import { chunkVerifier } from './maintenance-chunks-test-setup.js';
import { repair } from './repair.js';

describe('repair of a chunked sink', () => {
  it('deletes stray chunks, re-embeds lost and stale chunks only, and ends equal to the table', async () => {
    const setup = chunkSetup();
    const { sink, source, ledger, embedder, table, options } = setup;
    await embed(options);
    const truth = expectedPoints(source.id, table.rows, embedder);
    const ids = [...truth.keys()];
    const [lost, stale, forgottenByLedger] = [ids[2]!, ids[7]!, ids[9]!];
    // Damage: a chunk lost from the sink, a chunk with another text, a chunk the ledger lost,
    // and a stray chunk past the row's count.
    await sink.delete([lost]);
    const [staleStored] = await sink.retrieve([stale]);
    const vector = new Float32Array(embedder.dimensions).fill(0.1);
    await sink.upsert([
      {
        id: stale,
        vector,
        payload: { ...staleStored!.payload, content: 'edited', content_hash: 'h-edited' },
      },
    ]);
    const stray = chunkPointId(source.id, '3', 7);
    await sink.upsert([
      {
        id: stray,
        vector,
        payload: { ...staleStored!.payload, key: '3', content_hash: 'h-stray' },
      },
    ]);
    const live = (await ledger.getPoints(sink.id, [forgottenByLedger])).get(forgottenByLedger)!;
    await ledger.commitBatch({
      runId: 'lost',
      sinkId: sink.id,
      upserts: [],
      deletes: [{ pointId: live.pointId, sourceId: live.sourceId, key: live.key }],
      failures: [],
      at: new Date(),
    });
    const verifyChunks = chunkVerifier(setup);
    expect((await verifyChunks()).drift).toMatchObject({
      missing: 1,
      stale: 1,
      orphan: 1,
      unrecorded: 1,
    });

    embedder.reset();
    const dry = await repair({ ...options, dryRun: true });
    expect(dry.plan).toMatchObject({ sinkDeletes: 1, adopted: 1 });
    expect(dry.plan.embed.rowsToEmbed).toBe(2);
    expect(embedder.calls).toHaveLength(0);

    const result = await repair(options);
    expect(result.embed?.status).toBe('succeeded');
    // Only the two chunks whose text the sink lacks are paid for.
    expect(embedder.embeddedTexts().sort()).toEqual(
      [truth.get(lost)!.content, truth.get(stale)!.content].sort(),
    );
    expect(await storedPoints(sink)).toEqual(truth);
    expect(await verifyChunks()).toMatchObject({ inStep: true, sinkPoints: truth.size });
  });
});
