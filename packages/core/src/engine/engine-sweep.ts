import type { LivePoint } from '../spec/ledger-v1.js';
import { ledgerDescribesSink } from './engine-ephemeral.js';
import type { WorkItem } from './engine-items.js';
import { runPipeline } from './engine-pipeline.js';
import type { SeenPoints } from './engine-seen-points.js';
import type { RunState } from './engine-state.js';

/** Ledger rows read per page while sweeping. */
const sweepPage = 1000;

/** Marks every point id a scan yields in `seen`, passing the batches on unchanged. */
export async function* markSeen(
  batches: AsyncIterable<WorkItem[]>,
  seen: SeenPoints,
): AsyncGenerator<WorkItem[]> {
  for await (const batch of batches) {
    for (const item of batch) seen.add(item.pointId);
    yield batch;
  }
}

/** Whether a finished scan may be swept: it read every row and the ledger can list its live points. */
export function maySweep(state: RunState): boolean {
  return (
    !state.stopped &&
    ledgerDescribesSink(state.sink) &&
    typeof state.ledger.livePoints === 'function'
  );
}

/**
 * The sweep of a full embed: every live point the ledger records for this source and
 * sink whose row the scan did not read is deleted, through the pipeline (sink first,
 * then the ledger), so `embed` alone converges to the table without a change feed.
 * Runs only after a complete scan (`maySweep`). Returns the points swept.
 */
export async function sweepUnseen(state: RunState, seen: SeenPoints): Promise<number> {
  const deletedBefore = state.counters.rowsDeleted;
  const processedBefore = state.counters.rowsProcessed;
  await runPipeline(state, unseenItems(state, seen));
  // Swept points are not rows of the table: the scan's count stays the table's.
  state.counters.rowsProcessed = processedBefore;
  return state.counters.rowsDeleted - deletedBefore;
}

async function* unseenItems(state: RunState, seen: SeenPoints): AsyncGenerator<WorkItem[]> {
  const livePoints = state.ledger.livePoints!.bind(state.ledger);
  let after: string | undefined;
  for (;;) {
    const page: LivePoint[] = await livePoints({
      sinkId: state.sinkId,
      sourceId: state.sourceId,
      limit: sweepPage,
      ...(after === undefined ? {} : { afterPointId: after }),
    });
    if (page.length === 0) return;
    after = page[page.length - 1]!.pointId;
    const gone = page.filter((point) => !seen.has(point.pointId));
    if (gone.length > 0)
      yield gone.map(
        (point): WorkItem => ({
          op: 'delete',
          key: point.key,
          pointId: point.pointId,
          text: null,
          hash: null,
          row: {},
        }),
      );
    if (page.length < sweepPage) return;
  }
}
