import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import { InputRejectedError, TransientError } from '../errors/errors.js';
import { createMemorySink } from '../memory/memory-sink.js';
import { createArraySource } from './array-source.js';
import { createFailingSink } from './failing-sink.js';
import { createRecordingEmbedder } from './recording-embedder.js';
import { collect, conformancePoint, unitVector } from './testkit-helpers.js';

describe('recording embedder', () => {
  it('records each call and rejects the inputs it is told to, with their index', async () => {
    const embedder = createRecordingEmbedder({
      failOn: (text) =>
        text.includes('poison') ? new InputRejectedError('contains poison') : undefined,
    });
    await embedder.embed(['a', 'b']);
    const error = await embedder.embed(['c', 'poison pill']).catch((caught: unknown) => caught);
    expect(DriftError.hasCode(error, 'input-rejected')).toBe(true);
    expect((error as InputRejectedError).inputIndex).toBe(1);
    expect(embedder.calls.map((call) => call.outcome)).toEqual(['ok', 'input-rejected']);
    expect(embedder.embeddedTexts()).toEqual(['a', 'b']);
  });

  it('fails the first N calls with a rate limit carrying retry-after', async () => {
    const embedder = createRecordingEmbedder({ rateLimitTimes: 2, retryAfterMs: 1500 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await embedder.embed(['a']).catch((caught: unknown) => caught);
      expect(DriftError.hasCode(error, 'rate-limited')).toBe(true);
      expect((error as DriftError).retryAfterMs).toBe(1500);
      expect((error as DriftError).isRetryable).toBe(true);
    }
    expect((await embedder.embed(['a'])).vectors).toHaveLength(1);
  });

  it('passes other errors through and measures calls in flight', async () => {
    const embedder = createRecordingEmbedder({
      delayMs: 10,
      failOn: (text) => (text === 'flaky' ? new TransientError('upstream 503') : undefined),
    });
    await expect(embedder.embed(['flaky'])).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'transient'),
    );
    await Promise.all([embedder.embed(['a']), embedder.embed(['b']), embedder.embed(['c'])]);
    expect(embedder.maxInFlight).toBe(3);
  });

  it('stops a delayed call when aborted', async () => {
    const embedder = createRecordingEmbedder({ delayMs: 10_000 });
    const controller = new AbortController();
    const call = embedder.embed(['a'], { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toSatisfy((error) => DriftError.hasCode(error, 'aborted'));
  });
});

describe('failing sink', () => {
  it('works for N writes, then fails every write with a sink error; the data stays in the inner sink', async () => {
    const inner = createMemorySink();
    const sink = createFailingSink({ inner, failAfterWrites: 2 });
    await sink.open({ dimensions: 4, distance: 'cosine', model: 'm' });
    await sink.upsert([conformancePoint('a', unitVector(4, 1))]);
    await sink.delete(['x']);
    await expect(sink.upsert([conformancePoint('b', unitVector(4, 2))])).rejects.toSatisfy(
      (error) => DriftError.hasCode(error, 'sink'),
    );
    expect(sink.writes).toBe(2);
    expect(sink.failedWrites).toBe(1);
    expect(await sink.count()).toBe(1);
    expect(await inner.count()).toBe(1);
  });
});

describe('array source', () => {
  it('grows by versions and feeds the changes of the new one', async () => {
    const source = createArraySource({
      id: 'array://t',
      columns: ['id', 'text'],
      versions: [[{ id: 1, text: 'a' }]],
    });
    const version = source.addVersion([{ id: 2, text: 'b' }]);
    expect(version).toBe(1);
    expect((await source.describe()).latestVersion).toBe(1);
    const batches = await collect(source.changes!({ columns: ['id', 'text'], fromVersion: 1 }));
    expect(
      batches.flatMap((batch) => batch.changes).map((change) => [change.type, change.row.id]),
    ).toEqual([
      ['delete', 1],
      ['insert', 2],
    ]);
    expect(source.reads.at(-1)).toMatchObject({ method: 'changes', fromVersion: 1 });
  });

  it('refuses an unknown column and a version it does not have', async () => {
    const source = createArraySource({ id: 'array://t', columns: ['id'], versions: [[{ id: 1 }]] });
    await expect(collect(source.scan({ columns: ['nope'] }))).rejects.toThrow(/no column "nope"/);
    await expect(collect(source.scan({ columns: ['id'], version: 3 }))).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'source'),
    );
  });

  it('has no changes() when the feed is off', () => {
    const source = createArraySource({
      id: 'array://t',
      columns: ['id'],
      versions: [[]],
      changeFeed: false,
    });
    expect(source.changes).toBeUndefined();
  });
});
