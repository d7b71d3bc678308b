import type { Ledger, LivePoint } from '../spec/ledger-v1.js';
import type { WorkItem } from './engine-items.js';

/** Rows of one batch that need a vector for the same text. */
export interface TextGroup {
  text: string;
  hash: string;
  items: WorkItem[];
  /** A live point in the sink embedded from the same text with the same fingerprint, to copy its vector. */
  reuseFrom?: LivePoint;
  /** The vector the ledger kept for this text when a chunk's edit took it out of the sink. */
  retired?: Float32Array;
}

/** What one batch needs, decided from one ledger lookup (and one more for reuse). */
export interface PreparedBatch {
  batch: number;
  /** Rows read (net changes for a sync). */
  rows: number;
  /** The ledger's live points among the batch's point ids. */
  existing: Map<string, LivePoint>;
  /** Rows not sent anywhere: unchanged, or superseded by a later row of the same key in the batch. */
  deduped: number;
  /** Upserts whose point already holds the same text and fingerprint. */
  unchanged: number;
  /** Upserts with nothing to embed. */
  skipped: number;
  /** Upserts of rows erased on request (`drift forget`): not embedded again. */
  forgotten: number;
  /** Points to remove from sink and ledger: deletes of existing points and rows whose text became empty. */
  deletes: WorkItem[];
  /** Texts that need a vector, one group per distinct content hash. */
  groups: TextGroup[];
  /**
   * Live points whose text goes out of the sink with this batch while still wanted (a chunk
   * edited or past the new count, its row staying; a row whose old text another change of
   * the run needs): their vectors are kept before the write.
   */
  retiring: LivePoint[];
}

export interface PrepareContext {
  ledger: Pick<Ledger, 'getPoints' | 'findByContentHash'>;
  sinkId: string;
  fingerprint: string;
  dedup: boolean;
  /** Rewrite the payload of a changed row whose text is the same (metadata columns are stored). */
  refreshChanged: boolean;
  /** Which of these point ids were erased on request; their rows are skipped. Absent: none are. */
  erasedPoints?: (pointIds: string[]) => Promise<Set<string>>;
  /** The vectors the ledger kept of edited chunks, by content hash. Absent: it keeps none. */
  retiredVectors?: (contentHashes: string[]) => Promise<Map<string, Float32Array>>;
  signal?: AbortSignal;
}

/**
 * Hash + dedup for one batch: one `getPoints`, then one `findByContentHash` for the
 * texts still to embed. Work per batch, no await per row.
 */
export async function prepareBatch(
  batch: number,
  input: WorkItem[],
  context: PrepareContext,
): Promise<PreparedBatch> {
  // A key twice in one batch: the last row wins (earlier ones count as deduped).
  let items = input;
  let superseded = 0;
  const distinct = new Set<string>();
  for (const item of input) distinct.add(item.pointId);
  if (distinct.size !== input.length) {
    const last = new Map<string, number>();
    for (let index = 0; index < input.length; index++) last.set(input[index]!.pointId, index);
    items = input.filter((item, index) => last.get(item.pointId) === index);
    superseded = input.length - items.length;
  }
  const ids = new Array<string>(items.length);
  for (let index = 0; index < items.length; index++) ids[index] = items[index]!.pointId;
  const existing =
    ids.length > 0
      ? await context.ledger.getPoints(context.sinkId, ids)
      : new Map<string, LivePoint>();

  const erased = await erasedAmong(items, existing, context);
  let unchanged = 0;
  let skipped = 0;
  let forgotten = 0;
  const deletes: WorkItem[] = [];
  const retiring: LivePoint[] = [];
  const groupsByHash = new Map<string, TextGroup>();
  for (const item of items) {
    const live = existing.get(item.pointId);
    if (item.op === 'delete') {
      if (live) deletes.push(item);
      if (live && (item.retire || item.wantedHashes?.has(live.contentHash))) retiring.push(live);
      continue;
    }
    if (item.text === null || item.hash === null) {
      skipped++;
      if (live) deletes.push(item);
      if (live && item.wantedHashes?.has(live.contentHash)) retiring.push(live);
      continue;
    }
    if (erased.has(item.erasureId ?? item.pointId)) {
      forgotten++;
      continue;
    }
    const same =
      context.dedup &&
      live !== undefined &&
      live.contentHash === item.hash &&
      live.fingerprint === context.fingerprint;
    if (same && !item.refresh && !(item.changed && context.refreshChanged)) {
      unchanged++;
      continue;
    }
    // A chunk whose text changed in place, or a row whose old text another change of the
    // run needs: its old vector leaves the sink with this write.
    if (
      live &&
      live.contentHash !== item.hash &&
      (item.chunk || item.wantedHashes?.has(live.contentHash))
    )
      retiring.push(live);
    const group = groupsByHash.get(item.hash);
    if (group) group.items.push(item);
    else groupsByHash.set(item.hash, { text: item.text, hash: item.hash, items: [item] });
    // Same text, other columns changed: copy the point's own vector, rewrite its payload.
    if (same) groupsByHash.get(item.hash)!.reuseFrom ??= live;
  }

  const groups = [...groupsByHash.values()];
  const unknown = context.dedup ? groups.filter((group) => group.reuseFrom === undefined) : [];
  if (unknown.length > 0) {
    const found = await context.ledger.findByContentHash(
      context.sinkId,
      context.fingerprint,
      unknown.map((group) => group.hash),
    );
    for (const group of unknown) {
      const source = found.get(group.hash);
      if (source) group.reuseFrom = source;
    }
    await findRetired(
      unknown.filter((group) => group.reuseFrom === undefined),
      context,
    );
  }
  return {
    batch,
    rows: input.length,
    existing,
    deduped: unchanged + superseded,
    unchanged,
    skipped,
    forgotten,
    deletes,
    groups,
    retiring: context.retiredVectors ? retiring : [],
  };
}

/** Texts that left the sink with an edit and came back: the vectors the ledger kept. */
async function findRetired(groups: TextGroup[], context: PrepareContext): Promise<void> {
  if (groups.length === 0 || !context.retiredVectors) return;
  const kept = await context.retiredVectors(groups.map((group) => group.hash));
  for (const group of groups) {
    const vector = kept.get(group.hash);
    if (vector) group.retired = vector;
  }
}

/** Rows to embed that have no live point and were erased on request (one query per batch). */
async function erasedAmong(
  items: WorkItem[],
  existing: Map<string, LivePoint>,
  context: PrepareContext,
): Promise<Set<string>> {
  if (!context.erasedPoints) return new Set();
  const candidates: string[] = [];
  for (const item of items)
    if (item.op === 'upsert' && item.hash !== null && !existing.has(item.pointId))
      candidates.push(item.erasureId ?? item.pointId);
  return candidates.length > 0 ? context.erasedPoints(candidates) : new Set();
}
