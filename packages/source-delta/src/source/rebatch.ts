import { AbortedError } from '@drift-spark/core';

/** Re-cuts chunks of any size into batches of exactly `size` items (the last may be smaller). */
export async function* rebatch<T>(
  chunks: AsyncIterable<T[]>,
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<T[]> {
  let pending: T[] = [];
  try {
    for await (const chunk of chunks) {
      if (signal?.aborted)
        throw new AbortedError('The read was aborted.', { cause: signal.reason });
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(size - pending.length, chunk.length - offset);
        if (take === chunk.length && pending.length === 0) {
          pending = chunk;
        } else {
          for (let index = 0; index < take; index++) pending.push(chunk[offset + index]!);
        }
        offset += take;
        if (pending.length >= size) {
          yield pending;
          pending = [];
        }
      }
    }
  } catch (error) {
    if (signal?.aborted && !AbortedError.hasCode(error, 'aborted')) {
      throw new AbortedError('The read was aborted.', { cause: error });
    }
    throw error;
  }
  if (pending.length > 0) yield pending;
}
