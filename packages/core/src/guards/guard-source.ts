import { AbortedError, PluginStateError } from '../errors/errors.js';
import { assertSpecificationVersion } from '../spec/assert-specification.js';
import type { ChangeBatch, RowBatch, Source, SourceV1 } from '../spec/source-v1.js';
import { isGuarded, markGuarded } from './guard-marker.js';
import { createInFlight } from './in-flight.js';
import { invoke } from './invoke.js';

/**
 * The source as the engine uses it: checked specification version; no call after
 * close (a PluginStateError); close idempotent, waiting for calls in flight; `changes`
 * present exactly when the source has it.
 */
export function guardSource(source: Source): SourceV1 {
  if (isGuarded(source)) return source;
  assertSpecificationVersion(source, 'source');
  let closing: Promise<void> | undefined;
  const inFlight = createInFlight();
  const check = (what: string, signal: AbortSignal | undefined): void => {
    if (closing) {
      throw new PluginStateError(
        `The source ${source.id} was asked to ${what} after close(); create a new one.`,
      );
    }
    if (signal?.aborted) throw new AbortedError();
  };
  async function* iterate<T>(
    what: string,
    signal: AbortSignal | undefined,
    open: () => AsyncIterable<T>,
  ) {
    check(what, signal);
    for await (const batch of open()) {
      check(what, signal);
      yield batch;
    }
  }
  const guarded: SourceV1 = {
    specificationVersion: 'v1',
    get id() {
      return source.id;
    },
    describe(options) {
      try {
        check('describe', options?.signal);
      } catch (error) {
        return Promise.reject(error);
      }
      return inFlight.track(invoke(() => source.describe(options)));
    },
    scan(options): AsyncIterable<RowBatch> {
      return iterate('scan', options.signal, () => source.scan(options));
    },
    close() {
      closing ??= (async () => {
        await inFlight.settled();
        await source.close?.();
      })();
      return closing;
    },
  };
  if (typeof source.changes === 'function') {
    const changes = source.changes.bind(source);
    guarded.changes = (options): AsyncIterable<ChangeBatch> =>
      iterate('read changes', options.signal, () => changes(options));
  }
  return markGuarded(guarded);
}
