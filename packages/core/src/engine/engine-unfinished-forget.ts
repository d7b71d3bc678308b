import { LedgerError } from '../errors/errors.js';
import type { Ledger, RunRecord } from '../spec/ledger-v1.js';

/** Runs read first: the walk below almost always ends at the newest one or two. */
const firstPage = 20;
/** How far back the ledger's runs are read for the last `forget` of this source in this sink. */
const runsToRead = 1000;

interface ForgetTarget {
  sourceId: string;
  sinkId: string;
  runId?: string;
}

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
  target: ForgetTarget,
): Promise<void> {
  const recent = (limit: number) => ledger.recentRuns({ sinkId: target.sinkId, limit });
  // A short page first: reading 1,000 runs costs ~7 ms, at every run's start.
  let found = unfinishedForgetIn(await recent(firstPage), target);
  if (found === undefined) found = unfinishedForgetIn(await recent(runsToRead), target);
  if (!found) return;
  const keys = typeof found.options?.keys === 'number' ? `${found.options.keys} key(s)` : 'keys';
  const how =
    found.status === 'running'
      ? 'is still marked running (its process is gone)'
      : `did not finish (${found.error ?? 'failed'})`;
  throw new LedgerError(
    `The last drift forget of ${keys} in sink ${target.sinkId} (run ${found.runId}, started ${found.startedAt.toISOString()}) ${how}: the sink may already lack those rows while the ledger still holds them, and this run would embed them again. Run the same drift forget again to complete the erasure (it is safe to repeat), then run this again.`,
  );
}

/**
 * Walks `runs` (newest first): the unfinished forget, null when a succeeded forget or a
 * run that wrote after it settles the question, undefined when the runs ran out first.
 */
function unfinishedForgetIn(runs: RunRecord[], target: ForgetTarget): RunRecord | null | undefined {
  for (const run of runs) {
    if (run.sourceId !== target.sourceId || run.runId === target.runId) continue;
    if (run.kind !== 'forget') {
      if (run.status === 'succeeded' || run.status === 'partial') return null;
      continue;
    }
    return run.status === 'succeeded' ? null : run;
  }
  return undefined;
}
