import type { Change, ChangeType } from '../spec/source-v1.js';

/** Within one commit version, later types win: an insert then a delete is a delete. */
const typeRank: Record<ChangeType, number> = {
  update_preimage: -1,
  insert: 0,
  update_postimage: 1,
  delete: 2,
};

export interface NetChange {
  key: string;
  change: Change;
}

/**
 * Reduces a change feed to its net effect per key: the last change wins, ordered by
 * commit version, then change type (insert < update_postimage < delete), then arrival.
 * Update pre-images are ignored. Holds one change per key.
 */
export class NetEffect {
  readonly #byKey = new Map<string, Change>();
  /** Highest commit version seen so far. */
  maxVersion = Number.NEGATIVE_INFINITY;
  /** Whether every change so far came in commit-version order. */
  ordered = true;

  get size(): number {
    return this.#byKey.size;
  }

  add(key: string, change: Change): void {
    if (change.type === 'update_preimage') return;
    if (change.commitVersion < this.maxVersion) this.ordered = false;
    else this.maxVersion = change.commitVersion;
    const previous = this.#byKey.get(key);
    if (previous === undefined || wins(change, previous)) this.#byKey.set(key, change);
  }

  /** Hands over the net changes and empties the reducer (the `ordered` state is kept). */
  take(): NetChange[] {
    const result: NetChange[] = [];
    for (const [key, change] of this.#byKey) result.push({ key, change });
    this.#byKey.clear();
    return result;
  }
}

/** Whether `next` supersedes `previous` for the same key (ties: the later arrival wins). */
export function wins(next: Change, previous: Change): boolean {
  if (next.commitVersion !== previous.commitVersion)
    return next.commitVersion > previous.commitVersion;
  return typeRank[next.type] >= typeRank[previous.type];
}
