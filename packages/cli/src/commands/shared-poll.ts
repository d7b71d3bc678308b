import type { Source, SourceDescription } from '@drift-spark/core';

/**
 * One change-feed poll of a table for every follow loop of it in this process
 * (`drift apply --follow`, indexes that share a table): the first loop to look within a
 * window asks the table, the others get the same answer. A loop that asks again within the
 * window (catching up a backlog) sees the same latest version, so it goes on from its own
 * checkpoint and finds anything newer at the next poll.
 */
export class SharedPoll {
  #last: { at: number; described: Promise<SourceDescription> } | undefined;
  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `source` as a follow loop reads it: its `describe` shared, the rest its own. */
  of(source: Source): Pick<Source, 'describe' | 'commitTime'> {
    return {
      describe: (options) => this.#describe(source, options),
      ...(source.commitTime ? { commitTime: source.commitTime.bind(source) } : {}),
    };
  }

  #describe(source: Source, options?: { signal?: AbortSignal }): Promise<SourceDescription> {
    const now = this.now();
    if (!this.#last || now - this.#last.at >= this.windowMs) {
      const described = source.describe(options);
      // A failed poll is not shared: the next loop to look asks again.
      described.catch(() => {
        if (this.#last?.described === described) this.#last = undefined;
      });
      this.#last = { at: now, described };
    }
    return this.#last.described;
  }
}
