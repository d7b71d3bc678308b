import { SourceError } from '../errors/errors.js';
import { NoChangeFeedError } from '../errors/no-change-feed-error.js';
import { encodeKey } from '../identity/key-encoding.js';
import type { Source } from '../spec/source-v1.js';
import { type ChunkStage, chunkBatches } from './engine-chunks.js';
import type { DuplicateKeys } from './engine-duplicates.js';
import { deleteItem, type ItemContext, upsertItem, type WorkItem } from './engine-items.js';
import { type NetChange, NetEffect } from './engine-net-effect.js';

export interface ReaderContext extends ItemContext {
  source: Source;
  columns: string[];
  batchSize: number;
  signal?: AbortSignal;
  /** Counts the rows of a scan whose key an earlier row had (the last row read wins). */
  duplicates?: DuplicateKeys;
  /** Chunk each row (`RunOptions.chunking`): the batches hold chunks, not rows. */
  chunks?: ChunkStage;
}

/** The batches of a reader, chunked when the run chunks. */
function chunked(
  batches: AsyncGenerator<WorkItem[]>,
  context: ReaderContext,
): AsyncGenerator<WorkItem[]> {
  return context.chunks ? chunkBatches(batches, context.chunks) : batches;
}

/**
 * Work items of a full scan, in batches of exactly `batchSize` (the last one shorter).
 * A key twice in the scan is written once per batch it appears in, in read order, so the
 * last row read wins; `context.duplicates` counts the repeats for the run's warning.
 */
export function scanItems(
  context: ReaderContext,
  version: number | undefined,
): AsyncGenerator<WorkItem[]> {
  return chunked(readScan(context, version), context);
}

async function* readScan(
  context: ReaderContext,
  version: number | undefined,
): AsyncGenerator<WorkItem[]> {
  const { batchSize } = context;
  let buffer: WorkItem[] = [];
  const scan = context.source.scan({
    columns: context.columns,
    ...(version === undefined ? {} : { version }),
    batchSize,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  for await (const batch of scan) {
    for (const row of batch.rows) {
      const item = upsertItem(row, context);
      context.duplicates?.add(item.pointId, item.key);
      buffer.push(item);
      if (buffer.length >= batchSize) {
        yield buffer;
        buffer = [];
      }
    }
  }
  if (buffer.length > 0) yield buffer;
}

/**
 * Work items of a change range, reduced to the net effect per key. The reducer holds
 * one change per key; when the feed arrives in commit-version order (as Delta's does)
 * it is flushed at a version boundary once it holds `flushAt` keys, so memory stays
 * bounded on long ranges. A feed that goes back to a version already flushed is refused.
 */
export function changeItems(
  context: ReaderContext,
  fromVersion: number,
  toVersion: number,
  flushAt = Math.max(context.batchSize * 10, 10_000),
): AsyncGenerator<WorkItem[]> {
  return chunked(readChanges(context, fromVersion, toVersion, flushAt), context);
}

async function* readChanges(
  context: ReaderContext,
  fromVersion: number,
  toVersion: number,
  flushAt: number,
): AsyncGenerator<WorkItem[]> {
  const changes = context.source.changes;
  if (!changes)
    throw new NoChangeFeedError(
      `Source "${context.source.id}" has no change feed; use \`embed\` instead, or enable the Change Data Feed on the table.`,
    );
  const net = new NetEffect();
  let flushedUpTo = Number.NEGATIVE_INFINITY;
  const feed = changes.call(context.source, {
    columns: context.columns,
    fromVersion,
    toVersion,
    batchSize: context.batchSize,
    // pre-images for their keys only: an update of a key column leaves the old key
    preimages: true,
    preimageColumns: context.keyColumns,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  for await (const batch of feed) {
    for (const change of batch.changes) {
      if (change.commitVersion <= flushedUpTo) {
        throw new SourceError(
          'changes-out-of-order',
          `Source "${context.source.id}" returned a change of version ${change.commitVersion} after version ${flushedUpTo} was applied; a change feed must come in commit-version order. Run again with a smaller range (\`fromVersion\`/\`toVersion\`).`,
        );
      }
      if (net.size >= flushAt && net.ordered && change.commitVersion > net.maxVersion) {
        flushedUpTo = net.maxVersion;
        yield* netBatches(net.take(), context);
      }
      net.add(encodeKey(change.row, context.keyColumns), change);
    }
  }
  yield* netBatches(net.take(), context);
}

function* netBatches(changes: NetChange[], context: ReaderContext): Generator<WorkItem[]> {
  const items = changes.map(({ key, change }) => {
    if (change.type === 'delete' || change.type === 'update_preimage')
      return deleteItem(key, change.row, context);
    const item = upsertItem(change.row, context);
    item.changed = true;
    return item;
  });
  // Texts the upserts need: a point that loses one of them to another batch keeps its vector.
  // (Chunked runs keep their chunks' vectors by their own rule, in engine-chunks.)
  const wantedHashes = new Set<string>();
  if (!context.chunks)
    for (const item of items) if (item.hash !== null) wantedHashes.add(item.hash);
  if (wantedHashes.size > 0) for (const item of items) item.wantedHashes = wantedHashes;
  for (let start = 0; start < items.length; start += context.batchSize)
    yield items.slice(start, start + context.batchSize);
}
