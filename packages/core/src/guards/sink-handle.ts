import { AbortedError, PluginStateError } from '../errors/errors.js';

/**
 * The open/closed state a sink keeps around its store's handle (a client, a driver, a
 * table), with the one-line errors every sink gives for a call out of turn: the same
 * rules as the engine's guard, for a sink used on its own.
 */
export interface SinkHandle<T> {
  /** The open handle; an AbortedError for an aborted signal, a PluginStateError when closed or not open. */
  ready(signal?: AbortSignal): T;
  /** At the start of `open()`: refuses a closed sink and an aborted signal. */
  beforeOpen(signal?: AbortSignal): void;
  /** The handle while open (a second `open()` reuses it), else undefined. */
  readonly current: T | undefined;
  /** Stores the handle an `open()` made (undefined: not open). */
  set(handle: T | undefined): void;
  /** Marks the sink closed for good; returns the handle to release, if there is one. */
  close(): T | undefined;
  readonly closed: boolean;
}

/** `store` names the kind in messages (`pgvector`, `Qdrant`, `LanceDB`). */
export function createSinkHandle<T>(store: string, sinkId: string): SinkHandle<T> {
  let handle: T | undefined;
  let closed = false;
  const refuse = (signal?: AbortSignal) => {
    if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
    if (closed)
      throw new PluginStateError(`The ${store} sink ${sinkId} is closed; create a new one.`);
  };
  return {
    ready(signal) {
      refuse(signal);
      if (handle === undefined)
        throw new PluginStateError(
          `The ${store} sink ${sinkId} is not open: call open({dimensions, distance, model}) first.`,
        );
      return handle;
    },
    beforeOpen(signal) {
      if (closed)
        throw new PluginStateError(`The ${store} sink ${sinkId} is closed; create a new one.`);
      refuse(signal);
    },
    get current() {
      return handle;
    },
    set(next) {
      handle = next;
    },
    close() {
      closed = true;
      const released = handle;
      handle = undefined;
      return released;
    },
    get closed() {
      return closed;
    },
  };
}
