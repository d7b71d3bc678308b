import type { CheckpointRef, Ledger } from '../spec/ledger-v1.js';
import type { RunOptions } from './engine-types.js';

/** The checkpoint a run of these plugins reads and moves: (source, sink, fingerprint). */
export function checkpointRef(options: Pick<RunOptions, 'source' | 'sink' | 'embedder'>) {
  return {
    sourceId: options.source.id,
    sinkId: options.sink.id,
    fingerprint: options.embedder.fingerprint,
  };
}

/**
 * Where a sync with no `fromVersion` starts: after the checkpoint; with none, after the
 * version the newest successful `embed` of the same (source, sink, fingerprint) scanned
 * (a snapshot cannot see rows deleted since then, the feed can); with neither,
 * undefined: bootstrap from a snapshot.
 */
export async function resumeVersion(
  ledger: Ledger,
  ref: CheckpointRef,
): Promise<number | undefined> {
  const checkpoint = await ledger.getCheckpoint(ref);
  if (checkpoint) return checkpoint.version + 1;
  const runs = await ledger.recentRuns({ sinkId: ref.sinkId, limit: 100 });
  const embedded = runs.find(
    (run) =>
      run.kind === 'embed' &&
      run.status === 'succeeded' &&
      run.sourceId === ref.sourceId &&
      run.fingerprint === ref.fingerprint &&
      run.toVersion !== undefined,
  );
  return embedded?.toVersion === undefined ? undefined : embedded.toVersion + 1;
}
