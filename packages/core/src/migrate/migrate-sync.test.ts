import { describe, expect, it } from 'vitest';
import { sync } from '../engine/engine-sync.js';
import { sinkContents } from '../engine/engine-test-table.js';
import { createMemoryLedger, createMemorySink } from '../memory/index.js';
import { createShadowEmbedder } from '../shadow/index.js';
import type { Sink } from '../spec/sink-v1.js';
import { createArraySource } from '../testkit/array-source.js';
import { backfillMigration, syncMigration } from './migrate-sync.js';
import { shareChangeFeed } from './shared-change-feed.js';

const rows = (texts: Record<number, string>) =>
  Object.entries(texts).map(([id, text]) => ({ id: Number(id), text }));

function setup() {
  const source = createArraySource({
    id: 'array://docs',
    columns: ['id', 'text'],
    versions: [rows({ 1: 'one', 2: 'two', 3: 'three' })],
  });
  const ledger = createMemoryLedger();
  const a = {
    sink: createMemorySink({ id: 'memory://a' }),
    embedder: createShadowEmbedder({ model: 'openai/text-embedding-ada-002' }),
  };
  const b = {
    sink: createMemorySink({ id: 'memory://b' }),
    embedder: createShadowEmbedder({ model: 'bedrock/amazon.titan-embed-text-v2:0' }),
  };
  const common = { source, ledger, textColumn: 'text', batchSize: 2 };
  return { source, ledger, a, b, common };
}

async function keysAndDimensions(sink: Sink) {
  const points = [...(await sinkContents(sink)).values()];
  return points.map((point) => `${point.key}:${point.content}:${point.vector?.length}`).sort();
}

describe('migration: backfill and dual-write', () => {
  it('backfills B at a pinned version, then both sinks follow one read of the feed', async () => {
    const { source, ledger, a, b, common } = setup();
    await sync({ ...common, ...a });
    // The table moves on while B is backfilled from version 0.
    source.addVersion(rows({ 1: 'one', 2: 'two v2', 4: 'four' }));
    const backfill = await backfillMigration({ ...common, ...b, version: 0 });
    expect(backfill.scan.rowsEmbedded).toBe(3);
    expect(backfill.catchUp.map((run) => [run.sinceVersion, run.toVersion])).toEqual([[1, 1]]);
    expect(await keysAndDimensions(b.sink)).toEqual(['1:one:1024', '2:two v2:1024', '4:four:1024']);

    source.addVersion(rows({ 1: 'one v3', 4: 'four', 5: 'five' }));
    source.reads.length = 0;
    const result = await syncMigration({ ...common, ...a, target: b });
    // A was at version 0, B at 1: one read of 1..2 serves both.
    expect(source.reads.filter((read) => read.method === 'changes')).toEqual([
      expect.objectContaining({ fromVersion: 1, toVersion: 2 }),
    ]);
    expect([result.live.sinceVersion, result.target?.sinceVersion]).toEqual([1, 2]);
    const truth = ['1:one v3', '4:four', '5:five'];
    expect(await keysAndDimensions(a.sink)).toEqual(truth.map((row) => `${row}:1536`));
    expect(await keysAndDimensions(b.sink)).toEqual(truth.map((row) => `${row}:1024`));
    expect(await ledger.countPoints('memory://b')).toBe(3);
  });

  it('refuses dual-write before B was backfilled', async () => {
    const { a, b, common } = setup();
    await expect(syncMigration({ ...common, ...a, target: b })).rejects.toThrow(
      /has not been backfilled/,
    );
  });

  it('a shared feed holds at most maxLag batches ahead of its slowest reader', async () => {
    const versions = Array.from({ length: 20 }, (_, version) =>
      rows({ [version + 1]: `text ${version}` }),
    );
    const source = createArraySource({ id: 'array://lag', columns: ['id', 'text'], versions });
    const shared = shareChangeFeed(source, {
      fromVersion: 1,
      toVersion: 19,
      consumers: 2,
      maxLag: 2,
    });
    const read = { columns: ['id', 'text'], fromVersion: 1, toVersion: 19, batchSize: 1 };
    const fast = shared.views[0]!.changes!(read)[Symbol.asyncIterator]();
    const got: number[] = [];
    const runAhead = (async () => {
      for (;;) {
        const next = await fast.next();
        if (next.done) return;
        got.push(next.value.changes[0]!.commitVersion);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The slow reader has not started: the fast one stops maxLag batches in.
    expect(got.length).toBeLessThanOrEqual(2);
    shared.release(1);
    await runAhead;
    expect(new Set(got).size).toBe(19);
  });
});
