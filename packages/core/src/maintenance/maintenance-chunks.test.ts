import { describe, expect, it } from 'vitest';
import { chunkSetup, expectedPoints, storedPoints } from '../engine/engine-chunks-test-setup.js';
import { embed } from '../engine/engine-run.js';
import { forget } from './forget.js';
import { chunkVerifier } from './maintenance-chunks-test-setup.js';

async function embedded() {
  const setup = chunkSetup();
  await embed(setup.options);
  const verifyChunked = chunkVerifier(setup);
  return { ...setup, verifyChunked };
}

describe('forget, verify and provenance of chunked rows', () => {
  it('verify compares each chunk of the table with its point', async () => {
    const { verifyChunked, sink, source, table, embedder } = await embedded();
    const chunks = expectedPoints(source.id, table.rows, embedder);
    const result = await verifyChunked();
    expect(result).toMatchObject({ inStep: true, tableRows: chunks.size, sinkPoints: chunks.size });
    // Without the chunking, every chunk point is an orphan and every row is missing.
    expect((await verifyChunked(false)).drift.orphan).toBe(chunks.size);

    const lost = [...chunks.keys()][5]!;
    await sink.delete([lost]);
    const after = await verifyChunked();
    expect(after.drift.missing).toBe(1);
    expect(after.examples.missing).toEqual([lost]);
  });

  it('forget by key erases every chunk of the row, and a later embed does not write them back', async () => {
    const { verifyChunked, sink, source, table, embedder, ledger, options } = await embedded();
    const chunksOf1 = [...expectedPoints(source.id, table.rows, embedder).entries()].filter(
      ([, point]) => point.key === '1',
    );
    expect(chunksOf1.length).toBeGreaterThan(3);
    const result = await forget({
      ledger,
      sourceId: source.id,
      keys: ['1'],
      openSink: async () => sink,
    });
    expect(result.pointsDeleted).toBe(chunksOf1.length);
    const proven = result.receipts[0]!.sinks.filter((proof) => proof.wasLive);
    expect(proven.map((proof) => proof.pointId).sort()).toEqual(chunksOf1.map(([id]) => id).sort());
    expect([...(await storedPoints(sink)).values()].some((point) => point.key === '1')).toBe(false);

    const again = await embed(options);
    expect(again.rowsForgotten).toBe(chunksOf1.length);
    expect([...(await storedPoints(sink)).values()].some((point) => point.key === '1')).toBe(false);
    expect(await verifyChunked()).toMatchObject({ inStep: true, forgotten: chunksOf1.length });
  });

  it('forget drops the vectors kept of the row’s edited chunks: embedded again, they are paid', async () => {
    const { sink, source, table, embedder, ledger, options } = await embedded();
    const row = table.rows.find((candidate) => candidate.id === 1)!;
    const original = String(row.text);
    const edited = original.split('\n\n').slice(0, 4).join('\n\n');
    table.commit([{ type: 'upsert', row: { ...row, text: edited } }]);
    await embed(options);
    const kept = [
      ...expectedPoints(source.id, [{ ...row, text: original }], embedder).values(),
    ].map((point) => String(point.content_hash));
    expect(
      (await ledger.findRetiredVectors(sink.id, embedder.fingerprint, kept)).size,
    ).toBeGreaterThan(0);

    await forget({ ledger, sourceId: source.id, keys: ['1'], openSink: async () => sink });
    expect((await ledger.findRetiredVectors(sink.id, embedder.fingerprint, kept)).size).toBe(0);
    table.commit([{ type: 'upsert', row: { ...row, text: original } }]);
    embedder.reset();
    const back = await embed({ ...options, includeForgotten: true });
    expect(back).toMatchObject({ status: 'succeeded', rowsEmbedded: kept.length });
  });

  it('the provenance of a row lists each of its chunks', async () => {
    const { source, table, embedder, ledger } = await embedded();
    const chunksOf2 = [...expectedPoints(source.id, table.rows, embedder).entries()].filter(
      ([, point]) => point.key === '2',
    );
    const provenance = await ledger.provenance({ key: '2', sourceId: source.id });
    expect(provenance.map((entry) => entry.point?.pointId).sort()).toEqual(
      chunksOf2.map(([id]) => id).sort(),
    );
  });
});
