import type { Change, ChangeType } from '../spec/source-v1.js';

/**
 * Within one commit version, a delete and an insert (or post-image) of the same key mean
 * the row was rewritten (a file rewritten without cdc files, an overwrite, a
 * `replaceWhere`, a compaction with `dataChange`): the row's final state is what the
 * commit's adds say, so the insert or post-image outranks the delete whatever the arrival
 * order. Between an insert and a post-image (or two of either) the later arrival wins.
 * A pre-image says a row left its key: it ranks as a delete, so an ordinary update (pre-
 * and post-image of one key) nets to its post-image, and an update that changed a key
 * column deletes the old key (its post-image is a change of the new key).
 */
const typeRank: Record<ChangeType, number> = {
  update_preimage: 0,
  delete: 0,
  insert: 1,
  update_postimage: 1,
};

export interface NetChange {
  key: string;
  change: Change;
}

/**
 * Reduces a change feed to its net effect per key: ordered by commit version (the later
 * version wins), then within one version an insert or post-image over a delete or
 * pre-image, then arrival. Holds one change per key; a pre-image that is a key's net
 * change means the key is gone (see `typeRank`).
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
