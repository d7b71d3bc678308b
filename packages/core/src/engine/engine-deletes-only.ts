import type { WorkItem } from './engine-items.js';

/**
 * The items of a feed that cost nothing: deletes, and rows whose text became empty
 * (their point is deleted). What a run applies once the day's budget is spent; the
 * checkpoint stays, so the upserts are applied when embedding resumes.
 */
export async function* onlyDeletes(batches: AsyncIterable<WorkItem[]>): AsyncGenerator<WorkItem[]> {
  for await (const items of batches) {
    const free = items.filter((item) => item.op === 'delete' || item.text === null);
    if (free.length > 0) yield free;
  }
}
