/**
 * The engine against the testkit's own fakes (the ones plugin authors use): a versioned
 * array source whose change feed is derived like Delta's, the recording embedder and the
 * failing sink. The detailed cases are in engine-embed.test.ts and engine-sync.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { InputRejectedError } from '../errors/index.js';
import { pointId } from '../identity/point-id.js';
import { createMemoryLedger, createMemorySink } from '../memory/index.js';
import { createArraySource, createFailingSink, createRecordingEmbedder } from '../testkit/index.js';
import { embed } from './engine-run.js';
import { sync } from './engine-sync.js';
import { sinkContents } from './engine-test-table.js';

const v0 = Array.from({ length: 60 }, (_, index) => ({
  id: index + 1,
  body: `ticket ${index + 1}: the printer is out of toner`,
  team: index % 2 === 0 ? 'ops' : 'it',
}));

describe('engine with the testkit fakes', () => {
  it('embeds, survives a failing sink, a rejected input and rate limits, then syncs the change feed to the exact table', async () => {
    const source = createArraySource({
      id: 'delta://tickets',
      columns: ['id', 'body', 'team'],
      versions: [v0],
    });
    const inner = createMemorySink({ id: 'memory://tickets' });
    const ledger = createMemoryLedger();
    const base = {
      source,
      ledger,
      textColumn: 'body',
      metadataColumns: ['team'],
      batchSize: 10,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
    };

    // 1. The sink dies after 2 writes: the run fails, what was written is in the ledger.
    const failing = createFailingSink({ inner, failAfterWrites: 2 });
    const failed = await embed({ ...base, sink: failing, embedder: createRecordingEmbedder() });
    expect(failed.status).toBe('failed');
    expect(await ledger.countPoints(inner.id)).toBe(20);

    // 2. The next run does the rest; one input is rejected (partial), two rate limits are waited out.
    const rejecting = createRecordingEmbedder({
      rateLimitTimes: 2,
      retryAfterMs: 5,
      failOn: (text) =>
        text.startsWith('ticket 42:')
          ? new InputRejectedError('ticket 42 is too long for this model')
          : undefined,
    });
    const second = await embed({ ...base, sink: inner, embedder: rejecting });
    expect(second).toMatchObject({
      status: 'partial',
      rowsDeduped: 20,
      rowsEmbedded: 39,
      rowsFailed: 1,
    });
    // The reason quoted the input's first words ("ticket 42"): the ledger keeps no text.
    expect(second.failures.map((failure) => [failure.key, failure.reason])).toEqual([
      ['42', '… is too long for this model'],
    ]);
    expect(rejecting.calls.filter((call) => call.outcome === 'rate-limited')).toHaveLength(2);

    // 2b. Once the input is accepted, only that row is embedded.
    const accepting = createRecordingEmbedder();
    expect(await embed({ ...base, sink: inner, embedder: accepting })).toMatchObject({
      status: 'succeeded',
      rowsEmbedded: 1,
      rowsDeduped: 59,
    });
    expect(accepting.embeddedTexts()).toEqual(['ticket 42: the printer is out of toner']);
    expect(await ledger.countPoints(inner.id)).toBe(60);

    // 3. The table changes: an edit, a delete, an insert, and a row whose text is emptied.
    const v1 = v0
      .filter((row) => row.id !== 5)
      .map((row) =>
        row.id === 7
          ? { ...row, body: 'ticket 7: the screen flickers' }
          : row.id === 9
            ? { ...row, body: null }
            : row,
      );
    source.addVersion([...v1, { id: 61, body: 'ticket 61: VPN drops every hour', team: 'it' }]);
    const recording = createRecordingEmbedder();
    const synced = await sync({ ...base, sink: inner, embedder: recording, fromVersion: 1 });
    expect(synced).toMatchObject({
      status: 'succeeded',
      inserted: 1,
      updated: 1,
      deleted: 2,
      rowsSkipped: 1,
    });
    expect(recording.embeddedTexts().sort()).toEqual([
      'ticket 61: VPN drops every hour',
      'ticket 7: the screen flickers',
    ]);

    const points = await sinkContents(inner);
    const expected = new Map(
      [...v1, { id: 61, body: 'ticket 61: VPN drops every hour', team: 'it' }]
        .filter((row) => row.body !== null)
        .map((row) => [pointId('delta://tickets', String(row.id)), row.body]),
    );
    expect(new Map([...points].map(([id, point]) => [id, point.content]))).toEqual(expected);
    expect(await ledger.countPoints(inner.id)).toBe(expected.size);
  });
});
