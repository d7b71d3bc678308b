/**
 * Small fakes for the engine's unit tests: an array source with a change feed, a
 * recording embedder that can fail on demand, and a sink that fails after N writes.
 * (The testkit's fakes cover the same ground for plugin authors.)
 */
import { createHash } from 'node:crypto';
import { AbortedError, SinkError } from '../errors/errors.js';
import { createMemorySink } from '../memory/index.js';
import type { EmbedderLimits, EmbedderV1, EmbedOptions, EmbedResult } from '../spec/embedder-v1.js';
import type { Point, SinkCallOptions, SinkV1 } from '../spec/sink-v1.js';
import type {
  Change,
  ChangeBatch,
  Row,
  RowBatch,
  SourceChangesOptions,
  SourceScanOptions,
  SourceV1,
} from '../spec/source-v1.js';

export interface FakeSource extends SourceV1 {
  rows: Row[];
  /** The change feed, one entry per change; `latestVersion` is the highest commit version (or `version`). */
  changeLog: Change[];
  version: number;
  scans: number;
}

export function createArraySource(
  options: { id?: string; rows?: Row[]; columns?: string[]; version?: number } = {},
): FakeSource {
  const columns = options.columns ?? ['id', 'text', 'tag'];
  const source: FakeSource = {
    specificationVersion: 'v1',
    id: options.id ?? 'array://test',
    rows: options.rows ?? [],
    changeLog: [],
    version: options.version ?? 0,
    scans: 0,
    async describe() {
      return {
        id: source.id,
        columns: columns.map((name) => ({ name, type: 'string', nullable: true })),
        latestVersion: source.version,
        changeFeed: true,
      };
    },
    async *scan(scanOptions: SourceScanOptions): AsyncIterable<RowBatch> {
      source.scans++;
      const size = scanOptions.batchSize ?? 100;
      for (let start = 0; start < source.rows.length; start += size) {
        yield {
          rows: source.rows
            .slice(start, start + size)
            .map((row) => project(row, scanOptions.columns)),
          version: source.version,
        };
      }
    },
    async *changes(changeOptions: SourceChangesOptions): AsyncIterable<ChangeBatch> {
      const to = changeOptions.toVersion ?? source.version;
      const inRange = source.changeLog.filter(
        (change) => change.commitVersion >= changeOptions.fromVersion && change.commitVersion <= to,
      );
      const size = changeOptions.batchSize ?? 100;
      for (let start = 0; start < inRange.length; start += size) {
        yield {
          changes: inRange
            .slice(start, start + size)
            .map((change) => ({ ...change, row: project(change.row, changeOptions.columns) })),
        };
      }
    },
  };
  return source;
}

function project(row: Row, columns: string[]): Row {
  const result: Row = {};
  for (const column of columns) result[column] = row[column] ?? null;
  return result;
}

/** Appends one commit to the fake source's feed and applies it to its rows. */
export function commit(source: FakeSource, changes: { type: Change['type']; row: Row }[]): number {
  const version = ++source.version;
  for (const { type, row } of changes) {
    source.changeLog.push({ type, row, commitVersion: version, commitTimestamp: version * 1000 });
    const index = source.rows.findIndex((existing) => existing.id === row.id);
    if (type === 'delete') {
      if (index >= 0) source.rows.splice(index, 1);
    } else if (type !== 'update_preimage') {
      if (index >= 0) source.rows[index] = row;
      else source.rows.push(row);
    }
  }
  return version;
}

export interface RecordingEmbedder extends EmbedderV1 {
  /** The texts of every call, in call order (failed calls included). */
  calls: string[][];
  /** Texts embedded successfully. */
  embedded: string[];
  /** Decides, before each call, whether it fails (return an error) — `attempt` counts all calls from 0. */
  failWith: ((texts: string[], attempt: number) => Error | undefined) | undefined;
  /** Milliseconds each call takes. */
  delayMs: number;
  /** Calls in flight right now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
}

export function fakeVector(text: string, dimensions: number): Float32Array {
  const digest = createHash('sha256').update(text).digest();
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    vector[index] = (digest[index % digest.length]! - 127.5) / 127.5 + index * 1e-3;
    norm += vector[index]! ** 2;
  }
  for (let index = 0; index < dimensions; index++) vector[index]! /= Math.sqrt(norm);
  return vector;
}

export function createRecordingEmbedder(
  options: {
    dimensions?: number;
    usdPerMillionTokens?: number;
    limits?: Partial<EmbedderLimits>;
    id?: string;
  } = {},
): RecordingEmbedder {
  const dimensions = options.dimensions ?? 8;
  const id = options.id ?? 'fake/model';
  const embedder: RecordingEmbedder = {
    specificationVersion: 'v1',
    id,
    dimensions,
    fingerprint: `${id}@${dimensions}`,
    limits: {
      maxInputsPerCall: 16,
      maxTokensPerInput: 1000,
      maxTokensPerCall: 100_000,
      maxConcurrentCalls: 4,
      ...options.limits,
    },
    price: { usdPerMillionTokens: options.usdPerMillionTokens ?? 20, source: 'test' },
    calls: [],
    embedded: [],
    failWith: undefined,
    delayMs: 0,
    inFlight: 0,
    maxInFlight: 0,
    countTokens: (text: string) => Math.ceil(text.length / 4),
    async embed(texts: string[], embedOptions?: EmbedOptions): Promise<EmbedResult> {
      const attempt = embedder.calls.length;
      embedder.calls.push([...texts]);
      embedder.inFlight++;
      embedder.maxInFlight = Math.max(embedder.maxInFlight, embedder.inFlight);
      try {
        if (embedder.delayMs > 0) await wait(embedder.delayMs, embedOptions?.signal);
        if (embedOptions?.signal?.aborted) throw new AbortedError();
        const error = embedder.failWith?.(texts, attempt);
        if (error) throw error;
        embedder.embedded.push(...texts);
        const tokensPerInput = texts.map((text) => embedder.countTokens(text));
        return {
          vectors: texts.map((text) => fakeVector(text, dimensions)),
          tokens: tokensPerInput.reduce((sum, value) => sum + value, 0),
        };
      } finally {
        embedder.inFlight--;
      }
    },
  };
  return embedder;
}

export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new AbortedError());
      },
      { once: true },
    );
  });
}

export interface FailingSink extends SinkV1 {
  /** Upsert calls that succeed before every later one fails; undefined never fails. */
  failAfterWrites: number | undefined;
  writes: number;
  upserted: string[];
}

/** A memory sink whose upserts fail (non-retryable) once `failAfterWrites` calls succeeded. */
export function createFailingSink(options: { id?: string } = {}): FailingSink {
  const inner = createMemorySink({ id: options.id ?? 'memory://engine-test' });
  const sink: FailingSink = {
    specificationVersion: 'v1',
    id: inner.id,
    capabilities: { concurrentWrites: false },
    failAfterWrites: undefined,
    writes: 0,
    upserted: [],
    open: (openOptions) => inner.open(openOptions),
    async upsert(points: Point[], callOptions?: SinkCallOptions) {
      if (sink.failAfterWrites !== undefined && sink.writes >= sink.failAfterWrites) {
        throw new SinkError('The test sink is down; run again once it is back.');
      }
      sink.writes++;
      sink.upserted.push(...points.map((point) => point.id));
      await inner.upsert(points, callOptions);
    },
    delete: (ids, callOptions) => inner.delete(ids, callOptions),
    retrieve: (ids, callOptions) => inner.retrieve(ids, callOptions),
    scan: (scanOptions) => inner.scan(scanOptions),
    search: (vector, searchOptions) => inner.search(vector, searchOptions),
    count: (countOptions) => inner.count(countOptions),
    close: () => inner.close(),
  };
  return sink;
}

/** Every point of a sink, by id. */
export async function sinkContents(
  sink: SinkV1,
): Promise<Map<string, { content: string | null; key: string; vector?: Float32Array }>> {
  const result = new Map<string, { content: string | null; key: string; vector?: Float32Array }>();
  for await (const batch of sink.scan({ withVectors: true })) {
    for (const point of batch)
      result.set(point.id, {
        content: point.payload.content,
        key: point.payload.key,
        ...(point.vector ? { vector: point.vector } : {}),
      });
  }
  return result;
}
