import type { CheckpointRef, Ledger, Source } from '@drift-spark/core';

/** How far a sink is behind its table: what `drift status` prints and `--follow` exports. */
export interface Freshness {
  /** The table's latest version, when it is versioned. */
  latestVersion: number | undefined;
  /** When the latest version was committed (ms since the epoch), when the source can tell. */
  latestCommitTime: number | undefined;
  /** The last version applied to the sink; undefined before the first watch. */
  checkpointVersion: number | undefined;
  /** Versions committed after the checkpoint (all of them, plus the snapshot, before the first watch). */
  backlogVersions: number;
  /**
   * Seconds the oldest version not yet applied has waited since its commit; 0 when the
   * sink is up to date. Undefined when the source cannot tell commit times.
   */
  lagSeconds: number | undefined;
}

/** Reads the table's latest version and the checkpoint; one commit file per unapplied end. */
export async function readFreshness(
  source: Pick<Source, 'describe' | 'commitTime'>,
  ledger: Ledger,
  ref: CheckpointRef,
  signal?: AbortSignal,
  now = Date.now(),
): Promise<Freshness> {
  const callOptions = signal ? { signal } : {};
  const { latestVersion } = await source.describe(callOptions);
  const checkpoint = await ledger.getCheckpoint(ref);
  const checkpointVersion = checkpoint?.version;
  const commitTime = async (version: number) =>
    source.commitTime ? source.commitTime(version, callOptions) : undefined;
  if (latestVersion === undefined)
    return {
      latestVersion,
      latestCommitTime: undefined,
      checkpointVersion,
      backlogVersions: 0,
      lagSeconds: undefined,
    };
  const latestCommitTime = await commitTime(latestVersion);
  const firstPending = checkpointVersion === undefined ? 0 : checkpointVersion + 1;
  const backlogVersions = Math.max(0, latestVersion - firstPending + 1);
  let lagSeconds: number | undefined = 0;
  if (backlogVersions > 0) {
    // Before the first watch the whole table waits: its lag runs from the latest commit.
    const since =
      checkpointVersion === undefined ? latestCommitTime : await commitTime(firstPending);
    lagSeconds = since === undefined ? undefined : Math.max(0, (now - since) / 1000);
  }
  return { latestVersion, latestCommitTime, checkpointVersion, backlogVersions, lagSeconds };
}
