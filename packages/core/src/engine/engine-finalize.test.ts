import { describe, expect, it } from 'vitest';
import { createMemoryLedger } from '../memory/memory-ledger.js';
import { createMemorySink } from '../memory/memory-sink.js';
import type { Sink } from '../spec/sink-v1.js';
import { createArraySource } from '../testkit/array-source.js';
import { createRecordingEmbedder } from '../testkit/recording-embedder.js';
import { recover } from './engine-recover.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';

/** A memory sink with a deferred index: records each finalize call and the points it saw. */
function indexingSink() {
  const inner = createMemorySink({ id: 'memory://indexed' });
  const finalized: number[] = [];
  const sink: Sink = {
    ...inner,
    specificationVersion: 'v1',
    id: inner.id,
    async finalize() {
      finalized.push(await inner.count());
    },
  };
  return { sink, finalized };
}

function plugins(rows = 5) {
  const source = createArraySource({
    id: 'array://finalize',
    columns: ['id', 'body'],
    versions: [Array.from({ length: rows }, (_, index) => ({ id: index, body: `text ${index}` }))],
  });
  return { source, embedder: createRecordingEmbedder(), ledger: createMemoryLedger() };
}

describe('a run builds the sink deferred index before it resolves', () => {
  it('embed calls finalize once, after the last write', async () => {
    const { sink, finalized } = indexingSink();
    const result = await embed({ ...plugins(), sink, textColumn: 'body', batchSize: 2 });
    expect(result.rowsEmbedded).toBe(5);
    expect(finalized).toEqual([5]);
  });

  it('not with finalize: false (the caller builds it, as the CLI does), nor when nothing was written', async () => {
    const { sink, finalized } = indexingSink();
    const run = { ...plugins(), sink, textColumn: 'body' };
    await embed({ ...run, finalize: false });
    expect(finalized).toEqual([]);
    const unchanged = await embed(run);
    expect(unchanged.rowsDeduped).toBe(5);
    expect(finalized).toEqual([]);
  });

  it('sync and recover too, once each after they wrote', async () => {
    const { sink, finalized } = indexingSink();
    const run = { ...plugins(3), sink, textColumn: 'body' };
    await sync(run);
    run.source.addVersion([{ id: 9, body: 'new' }]);
    await recover(run);
    expect(finalized).toEqual([3, 1]);
  });

  it('not after a failed run', async () => {
    const { sink, finalized } = indexingSink();
    const failing: Sink = {
      ...sink,
      upsert: async () => {
        throw new Error('the store is down');
      },
    };
    const result = await embed({ ...plugins(), sink: failing, textColumn: 'body' });
    expect(result.status).toBe('failed');
    expect(finalized).toEqual([]);
  });
});
