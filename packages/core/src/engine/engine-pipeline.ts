import type { WorkItem } from './engine-items.js';
import { type PreparedBatch, prepareBatch } from './engine-prepare.js';
import { abortError } from './engine-retry.js';
import { prepareContext } from './engine-settings.js';
import type { RunState } from './engine-state.js';
import { resolveVectors } from './engine-vectors.js';
import { writeBatch } from './engine-write.js';

/** Batches between reading and the ledger commit at once; a slow sink slows the reader. */
const batchesInFlight = 2;
const yieldEveryMs = 20;
const yieldEveryBatches = 16;

/**
 * The pipeline: read → hash + dedup (in the reader, one lookup per batch) → vectors
 * (embedder calls of up to two batches overlap) → sink + ledger, one batch at a time,
 * in read order. Never throws: the first error is left in `state.stopError`.
 */
export async function runPipeline(
  state: RunState,
  batches: AsyncIterable<WorkItem[]>,
): Promise<void> {
  let lastWrite: Promise<void> = Promise.resolve();
  /** Point ids that batches in flight will write (upsert or delete). */
  const pending = new Set<string>();
  /** Content hashes that batches in flight will write, so a later batch can reuse their vectors. */
  const pendingHashes = new Set<string>();
  let lastYield = performance.now();
  let sinceYield = 0;
  const window: Promise<void>[] = [];
  const iterator = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (state.stopped) break;
      const next = await iterator.next();
      if (next.done) break;
      // A source and a ledger that answer at once (memory, SQLite) would keep the loop on
      // microtasks only: let timers, signals and I/O in now and then, so abort stays prompt.
      if (++sinceYield >= yieldEveryBatches || performance.now() - lastYield > yieldEveryMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
        sinceYield = 0;
      }
      if (state.signal.aborted) {
        state.stop(abortError(state.signal), 'abort');
        break;
      }
      const items = next.value;
      if (items.length === 0) continue;
      const batch = ++state.batches;
      state.emit({ type: 'batch-start', runId: state.runId, batch, rows: items.length });
      // A key or a text that a batch still in flight writes must be looked up after that
      // write (a key twice in a scan, or in two flushes of a change feed; a text shared by
      // keys in two batches, whose vector the later batch reuses instead of paying twice).
      if (
        pending.size > 0 &&
        items.some(
          (item) =>
            pending.has(item.pointId) || (item.hash !== null && pendingHashes.has(item.hash)),
        )
      )
        await lastWrite;
      const context = prepareContext(state, state.settings, state.dedupLedger);
      let prepared = await prepareBatch(batch, items, context);
      // A vector is copied from the one point the ledger names for its text: if a batch in
      // flight rewrites that point, nothing is left to copy and the text would be paid again
      // though another point holds it. Wait for that write, then look again.
      if (pending.size > 0 && copiesFromPending(prepared, pending)) {
        await lastWrite;
        prepared = await prepareBatch(batch, items, context);
      }
      const vectors = prepared.groups.length > 0 ? resolveVectors(state, prepared) : undefined;
      const writing = writtenIds(prepared);
      const hashes = prepared.groups.map((group) => group.hash);
      for (const id of writing) pending.add(id);
      for (const hash of hashes) pendingHashes.add(hash);
      const previous = lastWrite;
      const written = (async () => {
        const outcomes = vectors ? await vectors : new Map();
        await previous;
        if (!state.mayWrite) return;
        await writeBatch(state, prepared, outcomes);
      })()
        .catch((error: unknown) => state.stop(error, 'write'))
        .finally(() => {
          for (const id of writing) pending.delete(id);
          for (const hash of hashes) pendingHashes.delete(hash);
        });
      lastWrite = written;
      window.push(written);
      if (window.length >= batchesInFlight) await window.shift();
    }
    if (state.stopped) await closeQuietly(iterator);
  } catch (error) {
    state.stop(error, 'read');
    await closeQuietly(iterator);
  }
  await Promise.all(window);
}

function copiesFromPending(prepared: PreparedBatch, pending: Set<string>): boolean {
  return prepared.groups.some(
    (group) => group.reuseFrom !== undefined && pending.has(group.reuseFrom.pointId),
  );
}

function writtenIds(prepared: PreparedBatch): string[] {
  const ids: string[] = [];
  for (const group of prepared.groups) for (const item of group.items) ids.push(item.pointId);
  for (const item of prepared.deletes) ids.push(item.pointId);
  return ids;
}

async function closeQuietly(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // The source failed while closing after the run already stopped; the first error is the one to report.
  }
}
