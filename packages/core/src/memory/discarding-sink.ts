import { AbortedError, PluginStateError } from '../errors/errors.js';
import type {
  Point,
  SinkCallOptions,
  SinkOpenOptions,
  SinkV1,
  StoredPoint,
} from '../spec/sink-v1.js';

export interface DiscardingSink extends SinkV1 {
  /** Points accepted so far (upserted, then forgotten). */
  readonly pointsWritten: number;
}

/**
 * A sink that accepts every write and keeps nothing: `retrieve`, `scan` and `search`
 * find nothing and `count` is 0. For benchmarks, to measure everything but the store.
 */
export function createDiscardingSink(options: { id?: string } = {}): DiscardingSink {
  let opened = false;
  let pointsWritten = 0;
  const check = (signal?: AbortSignal): void => {
    if (signal?.aborted) throw new AbortedError();
    if (!opened) throw new PluginStateError('The discarding sink is not open; call open() first.');
  };
  return {
    specificationVersion: 'v1',
    id: options.id ?? 'discard://',
    capabilities: { concurrentWrites: true },
    get pointsWritten() {
      return pointsWritten;
    },
    async open(openOptions: SinkOpenOptions): Promise<void> {
      if (openOptions.signal?.aborted) throw new AbortedError();
      opened = true;
    },
    async upsert(points: Point[], callOptions?: SinkCallOptions): Promise<void> {
      check(callOptions?.signal);
      pointsWritten += points.length;
    },
    async delete(_ids: string[], callOptions?: SinkCallOptions): Promise<void> {
      check(callOptions?.signal);
    },
    async retrieve(_ids: string[], callOptions?: SinkCallOptions): Promise<StoredPoint[]> {
      check(callOptions?.signal);
      return [];
    },
    async *scan(callOptions?: SinkCallOptions): AsyncIterable<StoredPoint[]> {
      check(callOptions?.signal);
      yield* [];
    },
    async search(_vector: Float32Array, callOptions: SinkCallOptions & { k: number }) {
      check(callOptions.signal);
      return [];
    },
    async count(callOptions?: SinkCallOptions): Promise<number> {
      check(callOptions?.signal);
      return 0;
    },
    async close(): Promise<void> {
      opened = false;
    },
  };
}
