import { SinkError } from '../errors/errors.js';
import { createMemorySink } from '../memory/memory-sink.js';
import type { Sink, SinkV1 } from '../spec/sink-v1.js';

export interface FailingSinkOptions {
  /** The sink that holds the data; default a new memory sink. */
  inner?: Sink;
  /** Writes (upsert or delete calls) that succeed before every later write fails. */
  failAfterWrites: number;
  /** The error a failing write throws; default a non-retryable SinkError. */
  error?: () => Error;
}

export interface FailingSink extends SinkV1 {
  readonly inner: Sink;
  /** Write calls that went through to the inner sink. */
  readonly writes: number;
  /** Write calls that failed. */
  readonly failedWrites: number;
}

/**
 * A sink that works for N write calls (upsert or delete), then fails every write,
 * to test that a run ends `failed` and that the next run repairs everything. Reads go
 * to the inner sink; share the inner sink with the next run's sink.
 */
export function createFailingSink(options: FailingSinkOptions): FailingSink {
  const inner = options.inner ?? createMemorySink();
  let writes = 0;
  let failedWrites = 0;
  const gate = (): void => {
    if (writes >= options.failAfterWrites) {
      failedWrites++;
      throw (
        options.error?.() ??
        new SinkError(
          `The failing sink fails every write after ${options.failAfterWrites} (as it was told to).`,
        )
      );
    }
    writes++;
  };
  return {
    specificationVersion: 'v1',
    get id() {
      return inner.id;
    },
    get capabilities() {
      return inner.capabilities;
    },
    get inner() {
      return inner;
    },
    get writes() {
      return writes;
    },
    get failedWrites() {
      return failedWrites;
    },
    open: (openOptions) => inner.open(openOptions),
    async upsert(points, callOptions) {
      gate();
      return inner.upsert(points, callOptions);
    },
    async delete(ids, callOptions) {
      gate();
      return inner.delete(ids, callOptions);
    },
    retrieve: (ids, callOptions) => inner.retrieve(ids, callOptions),
    scan: (callOptions) => inner.scan(callOptions),
    search: (vector, callOptions) => inner.search(vector, callOptions),
    count: (callOptions) => inner.count(callOptions),
    close: () => inner.close(),
  };
}
