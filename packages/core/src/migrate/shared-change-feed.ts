import { InvalidInputError } from '../errors/errors.js';
import type { ChangeBatch, Source, SourceChangesOptions } from '../spec/source-v1.js';

export interface SharedChangeFeedOptions {
  /** The range the one read covers: every view reads inside it. */
  fromVersion: number;
  toVersion: number;
  /** How many views read it (each must read it, or be released). */
  consumers: number;
  /** Batches the fastest view may run ahead of the slowest. Default 4. */
  maxLag?: number;
}

export interface SharedChangeFeed {
  /** One source per consumer: `changes()` serves the shared read, the rest is the source's. */
  views: Source[];
  /** Says that view `index` will read no more (its run ended): the others stop waiting for it. */
  release(index: number): void;
}

/**
 * Lets several runs (a migration's two sinks) apply one source's change feed from ONE read.
 * The read starts at the first `changes()` call and advances as the views consume it; a view
 * at most `maxLag` batches ahead waits for the others, so memory stays bounded. Each view
 * gets the changes of its own range (`fromVersion..toVersion` inside the shared one). A view
 * that will not read (its sink is already at `toVersion`) must be released.
 */
export function shareChangeFeed(
  source: Source,
  options: SharedChangeFeedOptions,
): SharedChangeFeed {
  const maxLag = Math.max(1, options.maxLag ?? 4);
  const changes = source.changes;
  if (typeof changes !== 'function')
    throw new InvalidInputError(
      `Source "${source.id}" has no change feed: enable the Change Data Feed on the table.`,
    );
  const position = new Array<number>(options.consumers).fill(0);
  const active = new Array<boolean>(options.consumers).fill(true);
  let buffer: ChangeBatch[] = [];
  let base = 0;
  let reader: AsyncIterator<ChangeBatch> | undefined;
  let columns: string | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let pulling: Promise<void> | undefined;
  let waiters: (() => void)[] = [];

  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  const slowest = () => {
    let min = Number.POSITIVE_INFINITY;
    for (let index = 0; index < position.length; index++)
      if (active[index]) min = Math.min(min, position[index] as number);
    return min;
  };
  const trim = () => {
    const keep = Math.min(slowest(), base + buffer.length);
    if (keep > base) {
      buffer = buffer.slice(keep - base);
      base = keep;
    }
  };
  const pull = (read: SourceChangesOptions): Promise<void> => {
    pulling ??= (async () => {
      try {
        reader ??= changes
          .call(source, { ...read, fromVersion: options.fromVersion, toVersion: options.toVersion })
          [Symbol.asyncIterator]();
        const next = await reader.next();
        if (next.done) ended = true;
        else buffer.push(next.value);
      } catch (error) {
        failure = { error };
      } finally {
        pulling = undefined;
        wake();
      }
    })();
    return pulling;
  };

  async function next(index: number, read: SourceChangesOptions): Promise<ChangeBatch | undefined> {
    for (;;) {
      const at = position[index] as number;
      if (at < base + buffer.length) {
        position[index] = at + 1;
        const batch = buffer[at - base] as ChangeBatch;
        trim();
        wake();
        return batch;
      }
      if (failure) throw failure.error;
      if (ended) return undefined;
      if (pulling) await pulling;
      else if (base + buffer.length - slowest() < maxLag) await pull(read);
      else await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  async function* view(index: number, read: SourceChangesOptions): AsyncGenerator<ChangeBatch> {
    const wanted = JSON.stringify([...read.columns].sort());
    if (columns !== undefined && columns !== wanted)
      throw new InvalidInputError('Runs that share a change feed must read the same columns.');
    columns = wanted;
    const to = read.toVersion ?? options.toVersion;
    if (read.fromVersion < options.fromVersion || to > options.toVersion)
      throw new InvalidInputError(
        `A shared change feed covers versions ${options.fromVersion}..${options.toVersion}; versions ${read.fromVersion}..${to} were asked for.`,
      );
    try {
      for (;;) {
        const batch = await next(index, read);
        if (batch === undefined) return;
        const mine = batch.changes.filter(
          (change) => change.commitVersion >= read.fromVersion && change.commitVersion <= to,
        );
        if (mine.length > 0) yield { changes: mine };
      }
    } finally {
      release(index);
    }
  }

  function release(index: number): void {
    if (!active[index]) return;
    active[index] = false;
    trim();
    wake();
    if (active.every((live) => !live)) void reader?.return?.();
  }

  const views = position.map(
    (_, index): Source => ({
      specificationVersion: 'v1',
      get id() {
        return source.id;
      },
      describe: (describe) => source.describe(describe),
      scan: (scan) => source.scan(scan),
      changes: (read) => view(index, read),
    }),
  );
  return { views, release };
}
