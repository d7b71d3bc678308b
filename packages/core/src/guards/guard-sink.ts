import { AbortedError, PluginStateError } from '../errors/errors.js';
import { assertSpecificationVersion } from '../spec/assert-specification.js';
import type {
  Sink,
  SinkOpenOptions,
  SinkOpenResult,
  SinkV1,
  StoredPoint,
} from '../spec/sink-v1.js';
import { isGuarded, markGuarded } from './guard-marker.js';
import { createInFlight } from './in-flight.js';
import { invoke } from './invoke.js';
import { createLimiter, type Limiter } from './limiter.js';
import { assertOpenOptions } from './sink-open-options.js';

/**
 * The sink as the engine uses it: checked specification version; opened once (and
 * again after a failed open); no call before open or after close (a PluginStateError);
 * close idempotent and waiting for calls in flight; one call at a time when the sink
 * says `concurrentWrites: false` (its writes may not overlap any other call; a scan
 * takes its turn per batch, so writing while scanning cannot deadlock); an aborted
 * signal stops a call before it starts; `open()` arguments checked (see
 * `assertOpenOptions`); the optional `finalize` passed on when the sink has one.
 */
export function guardSink(sink: Sink): SinkV1 {
  if (isGuarded(sink)) return sink;
  assertSpecificationVersion(sink, 'sink');
  let state: 'new' | 'open' | 'closed' = 'new';
  let opening: { options: SinkOpenOptions; promise: Promise<SinkOpenResult> } | undefined;
  let closing: Promise<void> | undefined;
  const inFlight = createInFlight();
  const serial: Limiter | undefined =
    sink.capabilities?.concurrentWrites === false ? createLimiter(1) : undefined;

  const sameOpen = (a: SinkOpenOptions, b: SinkOpenOptions) =>
    a.dimensions === b.dimensions && a.model === b.model && a.distance === b.distance;

  const check = (what: string, signal: AbortSignal | undefined): void => {
    if (state === 'closed') {
      throw new PluginStateError(
        `The sink ${sink.id} was asked to ${what} after close(); create a new one.`,
      );
    }
    if (state !== 'open') {
      throw new PluginStateError(
        `The sink ${sink.id} was asked to ${what} before open(); call open() first.`,
      );
    }
    if (signal?.aborted) throw new AbortedError();
  };

  const call = <T>(
    what: string,
    signal: AbortSignal | undefined,
    run: () => Promise<T>,
  ): Promise<T> => {
    try {
      check(what, signal);
    } catch (error) {
      return Promise.reject(error);
    }
    return inFlight.track(serial ? serial.run(run) : invoke(run));
  };

  return markGuarded<SinkV1>({
    specificationVersion: 'v1',
    get id() {
      return sink.id;
    },
    get capabilities() {
      return sink.capabilities;
    },
    get persistent() {
      return sink.persistent;
    },
    open(options) {
      if (state === 'closed') {
        return Promise.reject(
          new PluginStateError(`The sink ${sink.id} is closed; create a new one to open it again.`),
        );
      }
      if (opening) {
        if (!sameOpen(opening.options, options)) {
          return Promise.reject(
            new PluginStateError(
              `The sink ${sink.id} is already opened for ${opening.options.dimensions}-dimensional ${opening.options.model} vectors; it cannot be opened again for ${options.dimensions}-dimensional ${options.model}.`,
            ),
          );
        }
        // Only the first open can have created the store; later ones found it there.
        return opening.promise.then((): SinkOpenResult => ({}));
      }
      if (options.signal?.aborted) return Promise.reject(new AbortedError());
      try {
        assertOpenOptions(sink.id, options);
      } catch (error) {
        return Promise.reject(error);
      }
      const promise = invoke(() => sink.open(options)).then(
        (result): SinkOpenResult => {
          if (state === 'new') state = 'open';
          const created = (result as SinkOpenResult | undefined)?.created;
          return typeof created === 'boolean' ? { created } : {};
        },
        (error: unknown) => {
          // A failed open may be tried again.
          opening = undefined;
          throw error;
        },
      );
      opening = { options, promise };
      return promise;
    },
    upsert(points, options) {
      return call('upsert', options?.signal, () => sink.upsert(points, options));
    },
    delete(ids, options) {
      return call('delete', options?.signal, () => sink.delete(ids, options));
    },
    retrieve(ids, options) {
      return call('retrieve', options?.signal, () => sink.retrieve(ids, options));
    },
    async *scan(options): AsyncIterable<StoredPoint[]> {
      check('scan', options?.signal);
      const iterator = sink.scan(options)[Symbol.asyncIterator]();
      try {
        while (true) {
          const next = await call('scan', options?.signal, () => iterator.next());
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await iterator.return?.();
      }
    },
    search(vector, options) {
      return call('search', options.signal, () => sink.search(vector, options));
    },
    count(options) {
      return call('count', options?.signal, () => sink.count(options));
    },
    ...(typeof sink.finalize === 'function'
      ? {
          finalize(options?: Parameters<NonNullable<SinkV1['finalize']>>[0]) {
            return call('finalize', options?.signal, () => sink.finalize!(options));
          },
        }
      : {}),
    close() {
      if (closing) return closing;
      state = 'closed';
      const pendingOpen = opening?.promise;
      closing = (async () => {
        await pendingOpen?.catch(() => undefined);
        await inFlight.settled();
        await sink.close();
      })();
      return closing;
    },
  });
}
