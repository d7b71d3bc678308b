import type { ChunkSpec } from '../chunking/chunk-spec.js';
import { chunkText } from '../chunking/chunk-text.js';
import type { TokenCounter } from '../chunking/text-chunk.js';
import { contentHash } from '../identity/content-hash.js';
import { chunkPointId } from '../identity/point-id.js';
import type { Ledger, LivePoint } from '../spec/ledger-v1.js';
import type { WorkItem } from './engine-items.js';

/** What the chunking stage needs of a run (`RunOptions.chunking`). */
export interface ChunkStage {
  spec: ChunkSpec;
  /** The embedder's `countTokens`: token windows are measured as the provider counts. */
  countTokens: TokenCounter;
  sourceId: string;
  sinkId: string;
  ledger: Required<Pick<Ledger, 'pointsOfKeys'>>;
}

/** The chunking stage between the reader and hash + dedup: each batch of rows becomes its chunks. */
export async function* chunkBatches(
  batches: AsyncIterable<WorkItem[]>,
  stage: ChunkStage,
): AsyncGenerator<WorkItem[]> {
  for await (const batch of batches) yield await chunkBatch(batch, stage);
}

/**
 * One batch of rows as chunk items: an upsert per chunk (id `chunkPointId(source, key,
 * index)`, its own text and hash, so dedup and reuse work per chunk), and a delete for
 * every live point of the row that is not one of its chunks now (chunks past the new
 * count, or the whole row deleted or emptied). One ledger query per batch.
 */
export async function chunkBatch(batch: WorkItem[], stage: ChunkStage): Promise<WorkItem[]> {
  // A key twice in a batch: its last row wins (two chunkings of one row would mix).
  const rows = new Map<string, WorkItem>();
  for (const item of batch) {
    rows.delete(item.key);
    rows.set(item.key, item);
  }
  const live = await stage.ledger.pointsOfKeys(stage.sinkId, stage.sourceId, [...rows.keys()]);
  const pointsOf = new Map<string, LivePoint[]>();
  for (const point of live) {
    const points = pointsOf.get(point.key);
    if (points) points.push(point);
    else pointsOf.set(point.key, [point]);
  }
  const items: WorkItem[] = [];
  for (const row of rows.values()) {
    const points = pointsOf.get(row.key) ?? [];
    const chunks =
      row.op === 'upsert' && row.text !== null
        ? chunkText(row.text, stage.spec, stage.countTokens)
        : [];
    const first = chunkPointId(stage.sourceId, row.key, 0);
    // Nothing to embed: the row itself, counted as skipped or deleted, on its first chunk's id.
    if (chunks.length === 0) items.push({ ...row, pointId: first, text: null, hash: null });
    const hashes = chunks.map((chunk) => contentHash(chunk.text));
    const ids = chunks.map((_, index) => chunkPointId(stage.sourceId, row.key, index));
    const refresh = mustRefresh(row, points, ids, hashes);
    chunks.forEach((chunk, index) => {
      items.push({
        op: 'upsert',
        key: row.key,
        pointId: ids[index]!,
        text: chunk.text,
        hash: hashes[index]!,
        row: row.row,
        chunk: { index, count: chunks.length, start: chunk.start, end: chunk.end },
        erasureId: row.pointId,
        ...(row.changed ? { changed: true } : {}),
        ...(refresh ? { refresh: true } : {}),
      });
    });
    const kept = new Set(ids);
    if (chunks.length === 0) kept.add(first);
    for (const point of points)
      if (!kept.has(point.pointId))
        items.push({
          op: 'delete',
          key: row.key,
          pointId: point.pointId,
          text: null,
          hash: null,
          row: row.row,
          // A row that keeps a text keeps its old chunk's vector (an edit undone reuses it);
          // a deleted or emptied row keeps none.
          ...(chunks.length > 0 ? { retire: true } : {}),
        });
  }
  return items;
}

/**
 * Whether every chunk of a row is rewritten (payload only where its text is unchanged,
 * the vector copied from the sink): when the row changed at all (a chunk's text, their
 * count, or a change feed says so), the unchanged chunks' `chunk_count` and offsets may
 * have moved. A full scan cannot see an edit of only the white space between chunks.
 */
function mustRefresh(row: WorkItem, points: LivePoint[], ids: string[], hashes: string[]): boolean {
  if (points.length === 0) return false;
  if (row.changed || points.length !== ids.length) return true;
  const live = new Map(points.map((point) => [point.pointId, point.contentHash]));
  return ids.some((id, index) => live.get(id) !== hashes[index]);
}

/** The payload's metadata of a chunk: the row's metadata plus where the chunk sits in the row. */
export function chunkMetadata(
  metadata: Record<string, unknown> | null,
  chunk: WorkItem['chunk'],
): Record<string, unknown> | null {
  if (!chunk) return metadata;
  return {
    ...metadata,
    chunk_index: chunk.index,
    chunk_count: chunk.count,
    chunk_start: chunk.start,
    chunk_end: chunk.end,
  };
}
