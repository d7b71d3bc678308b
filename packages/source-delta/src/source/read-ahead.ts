/**
 * The items of each reader in turn, with the next `depth` readers already started (each
 * holds at most its first item), so opening the next file (its footer, its first column
 * chunks) overlaps reading this one. On a store where a request costs a round trip this
 * hides the latency; memory grows by one chunk per reader started ahead.
 */
export async function* readAhead<T>(
  readers: Iterable<() => AsyncGenerator<T>>,
  depth = 1,
): AsyncGenerator<T> {
  const pending = readers[Symbol.iterator]();
  const started: { reader: AsyncGenerator<T>; first: Promise<IteratorResult<T>> }[] = [];
  const startMore = () => {
    while (started.length <= depth) {
      const next = pending.next();
      if (next.done) return;
      const reader = next.value();
      const first = reader.next();
      first.catch(() => {}); // its failure is thrown when its turn comes
      started.push({ reader, first });
    }
  };
  try {
    startMore();
    while (started.length > 0) {
      const { reader, first } = started[0]!;
      for (let result = await first; !result.done; result = await reader.next()) {
        yield result.value;
      }
      started.shift();
      startMore();
    }
  } finally {
    for (const { reader } of started) void reader.return(undefined).catch(() => {});
  }
}
