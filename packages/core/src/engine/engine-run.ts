import { randomUUID } from 'node:crypto';
import { DuplicateKeys, warnDuplicates } from './engine-duplicates.js';
import { execute } from './engine-execute.js';
import { finalizeSink } from './engine-finalize.js';
import { runPipeline } from './engine-pipeline.js';
import { scanItems } from './engine-reader.js';
import { SeenPoints } from './engine-seen-points.js';
import { readerContext } from './engine-settings.js';
import { guardPlugins, newRunState, openForRun, prepareRun, scanRowCount } from './engine-start.js';
import { markSeen, maySweep, sweepUnseen } from './engine-sweep.js';
import type { EmbedRunOptions, RunResult } from './engine-types.js';

/**
 * Embeds every row of the source (a full scan, as of `version` or the latest).
 *
 * Resolves with the run's result whatever happened to the rows: `succeeded`,
 * `partial` (some rows failed; they are in the ledger and the next run retries them)
 * or `failed` (with `error`; what was done before is committed). It rejects only
 * when the run cannot start (invalid options, unknown plugin version, a sink that
 * refuses the model, `LockedError` when another run holds the lock), on abort
 * (`AbortedError`, after the run is recorded as failed), and when the sink's
 * `finalize` (see `finalize`) fails after the run.
 */
export async function embed(input: EmbedRunOptions): Promise<RunResult> {
  const options = guardPlugins(input);
  const { description, settings } = await prepareRun(options);
  const version = options.version ?? description.latestVersion;
  const loss = await openForRun(options);
  const state = newRunState('embed', options.runId ?? randomUUID(), options, settings, loss);
  const duplicates = new DuplicateKeys();
  const seen = new SeenPoints();
  let swept = 0;
  const result = await execute(
    state,
    { fromVersion: version, toVersion: version, totalRows: scanRowCount(description, version) },
    async () => {
      await runPipeline(
        state,
        markSeen(scanItems({ ...readerContext(state, settings), duplicates }, version), seen),
      );
      warnDuplicates(state, duplicates);
      // Mark and sweep: only after a scan that read every row.
      if (maySweep(state)) swept = await sweepUnseen(state, seen);
    },
  );
  await finalizeSink(options, result);
  return { ...result, duplicateKeys: duplicates.count, rowsSwept: swept };
}
