import { describe, expect, it } from 'vitest';
import { SourceError } from '../errors/index.js';
import { createMemoryLedger } from '../memory/index.js';
import { createMemorySink } from '../memory/memory-sink.js';
import type { Sink } from '../spec/sink-v1.js';
import type { Source } from '../spec/source-v1.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { adoptSink } from './engine-adopt.js';
import { recover } from './engine-recover.js';
import { RecoveryNeededError } from './engine-recovery-need.js';
import { sync } from './engine-sync.js';
import { testTable } from './engine-test-table.js';

const rows = () => [
  { id: 1, text: 'one', tag: 'a' },
  { id: 2, text: 'two', tag: 'a' },
  { id: 3, text: 'three', tag: 'a' },
];

function setup() {
  const table = testTable(rows(), { id: 'table-v1', version: 1 });
  const source = table.source;
  const sink = createMemorySink({ id: 'memory://engine-test' });
  const embedder = createRecordingEmbedder();
  const ledger = createMemoryLedger();
  const base = {
    sink,
    embedder,
    ledger,
    textColumn: 'text',
    location: '/data/tickets',
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  };
  return { table, source, sink, embedder, ledger, base };
}

async function keysAndSources(sink: Sink) {
  const found: string[] = [];
  for await (const points of sink.scan())
    for (const { payload } of points)
      found.push(`${payload.source}:${payload.key}:${payload.content}`);
  return found.sort();
}

/** A feed that lost its first versions: what the Delta reader says after log cleanup. */
function vacuumed(source: Source): Source {
  return {
    ...source,
    changes() {
      throw new SourceError('version-not-available', 'The commit file of version 2 is gone.');
    },
  };
}

describe('recover', () => {
  it('a feed with vacuumed versions: sync says so; recover embeds only changed rows, deletes gone ones, moves the checkpoint', async () => {
    const { table, source, sink, embedder, ledger, base } = setup();
    await sync({ ...base, source });
    table.commit([{ type: 'upsert', row: { id: 2, text: 'two, changed', tag: 'a' } }]);
    table.commit([{ type: 'delete', row: { id: 3 } }]);
    const stuck = await sync({ ...base, source: vacuumed(source) });
    expect(stuck).toMatchObject({ status: 'failed', recoveryNeeded: 'versions-vacuumed' });

    embedder.reset();
    const recovered = await recover({ ...base, source });
    expect(recovered).toMatchObject({
      status: 'succeeded',
      toVersion: 3,
      pointsSwept: 1,
      inserted: 0,
      updated: 1,
      deleted: 1,
    });
    expect(embedder.embeddedTexts()).toEqual(['two, changed']);
    expect(await keysAndSources(sink)).toEqual(['table-v1:1:one', 'table-v1:2:two, changed']);
    const ref = { sourceId: source.id, sinkId: sink.id, fingerprint: embedder.fingerprint };
    expect((await ledger.getCheckpoint(ref))?.version).toBe(3);
    expect(await ledger.countPoints(sink.id)).toBe(2);
  });

  it('a table recreated at the same location: sync refuses to bootstrap beside it; recover reuses vectors and removes the old points', async () => {
    const { source, sink, embedder, ledger, base } = setup();
    await sync({ ...base, source });
    const recreated = testTable(
      [rows()[0]!, { id: 2, text: 'two, rewritten', tag: 'a' }, { id: 4, text: 'four', tag: 'a' }],
      { id: 'table-v2' },
    ).source;
    const refused = await sync({ ...base, source: recreated }).catch((error: unknown) => error);
    expect(RecoveryNeededError.isRecoveryNeeded(refused)).toBe(true);
    expect(refused).toMatchObject({ recovery: 'table-recreated', previousSourceIds: ['table-v1'] });

    embedder.reset();
    const recovered = await recover({ ...base, source: recreated });
    expect(recovered).toMatchObject({
      status: 'succeeded',
      previousSourceIds: ['table-v1'],
      rowsReused: 1,
      pointsSwept: 3,
    });
    expect(embedder.embeddedTexts().sort()).toEqual(['four', 'two, rewritten']);
    expect(await keysAndSources(sink)).toEqual([
      'table-v2:1:one',
      'table-v2:2:two, rewritten',
      'table-v2:4:four',
    ]);
    expect(await ledger.countPoints(sink.id)).toBe(3);
    // Another table elsewhere is not a recreation.
    const elsewhere = testTable(rows(), { id: 'other' }).source;
    await expect(
      sync({ ...base, location: '/data/other', source: elsewhere }),
    ).resolves.toMatchObject({
      bootstrapped: true,
    });
  });
});

describe('sync with deletesOnly', () => {
  it('applies deletes, embeds nothing and leaves the checkpoint for the upserts', async () => {
    const { table, source, sink, embedder, ledger, base } = setup();
    await sync({ ...base, source });
    table.commit([
      { type: 'delete', row: { id: 1 } },
      { type: 'upsert', row: { id: 5, text: 'five', tag: 'a' } },
    ]);
    embedder.reset();
    const paused = await sync({ ...base, source, deletesOnly: true });
    expect(paused).toMatchObject({ status: 'succeeded', deleted: 1, rowsEmbedded: 0 });
    expect(embedder.embeddedTexts()).toEqual([]);
    const ref = { sourceId: source.id, sinkId: sink.id, fingerprint: embedder.fingerprint };
    expect((await ledger.getCheckpoint(ref))?.version).toBe(1);
    await sync({ ...base, source });
    expect(embedder.embeddedTexts()).toEqual(['five']);
    expect(await keysAndSources(sink)).toEqual([
      'table-v1:2:two',
      'table-v1:3:three',
      'table-v1:5:five',
    ]);
  });
});

describe('adoptSink', () => {
  it('rebuilds a lost ledger from the sink: the next embed pays nothing for unchanged rows', async () => {
    const { source, sink, embedder, base } = setup();
    await sync({ ...base, source });
    const fresh = createMemoryLedger();
    const adopted = await adoptSink({ ...base, ledger: fresh, source });
    expect(adopted).toMatchObject({ scanned: 3, adopted: 3, known: 0, foreign: 0 });
    expect(await fresh.countPoints(sink.id)).toBe(3);
    embedder.reset();
    const again = await sync({ ...base, ledger: fresh, source, fromVersion: 1 });
    expect(again).toMatchObject({ rowsEmbedded: 0 });
    const twice = await adoptSink({ ...base, ledger: fresh, source });
    expect(twice).toMatchObject({ adopted: 0, known: 3 });
  });
});
