/**
 * Test setup for the engine's unit tests, on the testkit's own fakes (array source,
 * recording embedder, memory sink and ledger): a table of (id, text, tag) rows edited in
 * place and committed as a new version, and the sink's points read back.
 */
import { createMemoryLedger } from '../memory/memory-ledger.js';
import { createMemorySink } from '../memory/memory-sink.js';
import type { Sink } from '../spec/sink-v1.js';
import type { Change, Row, Source } from '../spec/source-v1.js';
import { type ArraySource, createArraySource } from '../testkit/array-source.js';
import {
  createRecordingEmbedder,
  type RecordingEmbedderOptions,
} from '../testkit/recording-embedder.js';
import { collect } from '../testkit/testkit-helpers.js';
import type { DriftEvent } from './engine-events.js';

export interface TestTable {
  source: ArraySource;
  /** The latest version's rows: edit them, then `commit()`. */
  rows: Row[];
  /** Applies upserts (by id) and deletes to `rows`, and adds them as a new version. */
  commit(changes?: { type: 'upsert' | 'delete'; row: Row }[]): number;
}

export function testTable(
  rows: Row[],
  options: { id?: string; version?: number; columns?: string[] } = {},
): TestTable {
  const first = rows.map((row) => ({ tag: 'x', ...row }));
  const source = createArraySource({
    id: options.id ?? 'array://test',
    columns: options.columns ?? ['id', 'text', 'tag'],
    versions: Array.from({ length: (options.version ?? 0) + 1 }, () => first),
  });
  const table: TestTable = {
    source,
    rows: first.map((row) => ({ ...row })),
    commit(changes = []) {
      for (const { type, row } of changes) {
        const index = table.rows.findIndex((existing) => existing.id === row.id);
        if (type === 'delete') {
          if (index >= 0) table.rows.splice(index, 1);
        } else if (index >= 0) table.rows[index] = row;
        else table.rows.push(row);
      }
      return source.addVersion(table.rows);
    },
  };
  return table;
}

export const rowsOf = (count: number, prefix = 'text') =>
  Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    text: `${prefix} number ${index + 1}`,
  }));

/** A run over a test table into a memory sink, with short retries and its events kept. */
export function engineSetup(
  rows: Row[],
  options: { version?: number; embedder?: RecordingEmbedderOptions } = {},
) {
  const table = testTable(rows, { version: options.version ?? 0 });
  const sink = createMemorySink({ id: 'memory://engine-test' });
  const embedder = createRecordingEmbedder(options.embedder);
  const ledger = createMemoryLedger();
  const events: DriftEvent[] = [];
  const run = {
    source: table.source,
    sink,
    embedder,
    ledger,
    textColumn: 'text',
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    onEvent: (event: DriftEvent) => events.push(event),
  };
  const ref = { sourceId: table.source.id, sinkId: sink.id, fingerprint: embedder.fingerprint };
  return { table, source: table.source, sink, embedder, ledger, events, options: run, ref };
}

/** Starts a run `runId` of the setup's (source, sink) that holds the lock and stays running. */
export async function holdLock(
  setup: Pick<ReturnType<typeof engineSetup>, 'ledger' | 'source' | 'sink' | 'embedder'>,
  runId: string,
): Promise<void> {
  await setup.ledger.startRun({
    runId,
    kind: 'embed',
    sourceId: setup.source.id,
    sinkId: setup.sink.id,
    model: setup.embedder.id,
    fingerprint: setup.embedder.fingerprint,
    usdPerMillionTokens: 0,
    priceSource: 'x',
    startedAt: new Date(),
  });
}

/** Rows 1–3 (tag `a`) at version 1, for sync tests. */
export function syncSetup(embedder?: RecordingEmbedderOptions) {
  return engineSetup(
    [
      { id: 1, text: 'one', tag: 'a' },
      { id: 2, text: 'two', tag: 'a' },
      { id: 3, text: 'three', tag: 'a' },
    ],
    { version: 1, ...(embedder ? { embedder } : {}) },
  );
}

/** Every point of a sink, by id. */
export async function sinkContents(
  sink: Sink,
): Promise<Map<string, { content: string | null; key: string; vector?: Float32Array }>> {
  const points = (await collect(sink.scan({ withVectors: true }))).flat();
  return new Map(
    points.map((point) => [
      point.id,
      {
        content: point.payload.content,
        key: point.payload.key,
        ...(point.vector ? { vector: point.vector } : {}),
      },
    ]),
  );
}

/** The sink's content by key. */
export async function contentsByKey(sink: Sink): Promise<Record<string, string | null>> {
  const points = await sinkContents(sink);
  return Object.fromEntries([...points.values()].map((point) => [point.key, point.content]));
}

/** The source with its feed replaced by `feed`, in that arrival order: commits a snapshot diff cannot yield. */
export function withFeed(source: Source, feed: Change[]): Source {
  return {
    ...source,
    async *changes(options) {
      const to = options.toVersion ?? Number.POSITIVE_INFINITY;
      yield {
        changes: feed.filter(
          (change) => change.commitVersion >= options.fromVersion && change.commitVersion <= to,
        ),
      };
    },
  };
}
