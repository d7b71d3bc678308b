import { LedgerError } from '../errors/errors.js';
import type { Ledger } from '../spec/ledger-v1.js';

/** How far back the ledger's runs are read for the last `forget` of this source in this sink. */
const runsToRead = 1000;

/**
 * Refuses to write while the last `forget` of this source in this sink did not finish.
 * `forget` deletes the points in the sink first and records the erasure in the ledger
 * after; killed or failed in between, the ledger still holds those rows as live, and this
 * run would take the sink's missing points for a loss and embed the rows again: an
 * erasure undone without a word. Running the same `forget` again completes it (it is
 * idempotent), and then this run goes ahead. A run that wrote and succeeded after the
 * failed `forget` (a ledger from before this check) ends the search: that state is
 * older than anything this run could undo. `repair` asks before it starts, since its
 * own run would end that search.
 */
export async function assertNoUnfinishedForget(
  ledger: Ledger,
  target: { sourceId: string; sinkId: string; runId?: string },
): Promise<void> {
  const runs = await ledger.recentRuns({ sinkId: target.sinkId, limit: runsToRead });
  for (const run of runs) {
    if (run.sourceId !== target.sourceId || run.runId === target.runId) continue;
    if (run.kind !== 'forget') {
      if (run.status === 'succeeded' || run.status === 'partial') return;
      continue;
    }
    if (run.status === 'succeeded') return;
    const keys = typeof run.options?.keys === 'number' ? `${run.options.keys} key(s)` : 'keys';
    const how =
      run.status === 'running'
        ? 'is still marked running (its process is gone)'
        : `did not finish (${run.error ?? 'failed'})`;
    throw new LedgerError(
      `The last drift forget of ${keys} in sink ${target.sinkId} (run ${run.runId}, started ${run.startedAt.toISOString()}) ${how}: the sink may already lack those rows while the ledger still holds them, and this run would embed them again. Run the same drift forget again to complete the erasure (it is safe to repeat), then run this again.`,
    );
  }
}
