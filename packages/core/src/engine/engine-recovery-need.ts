import { SourceError } from '../errors/errors.js';
import type { CheckpointRef, Ledger } from '../spec/ledger-v1.js';

/**
 * Why the change feed cannot carry a sink from its checkpoint to the table:
 * - `table-recreated`: a new table (a new Delta table id) stands where the checkpoint's was;
 * - `versions-vacuumed`: commit or change files of versions after the checkpoint are gone
 *   (log cleanup, VACUUM, or past the change feed's retention);
 * - `change-feed-off`: the Change Data Feed was off for some of those versions;
 * - `schema-changed`: the schema changed in a way older files cannot be read through (a
 *   read column's type changed, or it was dropped and made again).
 * Each is repaired by `recover`: a snapshot diffed against the ledger.
 */
export type RecoveryReason =
  | 'table-recreated'
  | 'versions-vacuumed'
  | 'change-feed-off'
  | 'schema-changed';

/** The source reasons (Delta reader sub-codes) that mean the feed cannot be read from the checkpoint. */
const reasonsBySourceReason: Record<string, RecoveryReason> = {
  'version-not-available': 'versions-vacuumed',
  'file-missing': 'versions-vacuumed',
  'cdf-not-enabled': 'change-feed-off',
  'schema-changed': 'schema-changed',
};

/** A sync that cannot go on from its checkpoint; `recover` rebuilds the state from a snapshot. */
export class RecoveryNeededError extends SourceError {
  readonly recovery: RecoveryReason;
  /** For `table-recreated`: the ids of the tables that stood at the same location before. */
  readonly previousSourceIds: string[];

  constructor(
    recovery: RecoveryReason,
    message: string,
    options: { cause?: unknown; previousSourceIds?: string[] } = {},
  ) {
    super('recovery-needed', message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'RecoveryNeededError';
    this.recovery = recovery;
    this.previousSourceIds = options.previousSourceIds ?? [];
  }

  /** Works across two copies of core (a `SourceError` with reason `recovery-needed`). */
  static isRecoveryNeeded(error: unknown): error is RecoveryNeededError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { code?: unknown }).code === 'source' &&
      (error as { reason?: unknown }).reason === 'recovery-needed'
    );
  }
}

/** The recovery a source error calls for, if any (a vacuumed version, a feed switched off). */
export function recoveryReasonOf(error: unknown): RecoveryReason | undefined {
  if (RecoveryNeededError.isRecoveryNeeded(error)) return error.recovery;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, reason } = error as { code?: unknown; reason?: unknown };
  if (code !== 'source' || typeof reason !== 'string') return undefined;
  return reasonsBySourceReason[reason];
}

/** How far back the ledger's runs are read to find the tables that stood at a location. */
const runsToRead = 1000;

/**
 * The ids of other sources that runs recorded at the same location into the same sink
 * and model, newest first: the tables this one replaced. Empty when the location is unknown.
 */
export async function previousSourceIds(
  ledger: Ledger,
  ref: CheckpointRef,
  location: string | undefined,
): Promise<string[]> {
  if (location === undefined) return [];
  const runs = await ledger.recentRuns({ sinkId: ref.sinkId, limit: runsToRead });
  const ids: string[] = [];
  for (const run of runs) {
    if (run.sourceId === ref.sourceId || run.fingerprint !== ref.fingerprint) continue;
    if (run.options?.location !== location || ids.includes(run.sourceId)) continue;
    ids.push(run.sourceId);
  }
  return ids;
}

/**
 * The tables a source replaced when it has no state of its own in this sink (no
 * checkpoint, no finished run) while another table at the same location has: a
 * recreated table. Empty otherwise.
 */
export async function recreatedFrom(
  ledger: Ledger,
  ref: CheckpointRef,
  location: string | undefined,
): Promise<string[]> {
  if (location === undefined || (await ledger.getCheckpoint(ref))) return [];
  const runs = await ledger.recentRuns({ sinkId: ref.sinkId, limit: runsToRead });
  const own = runs.some(
    (run) =>
      run.sourceId === ref.sourceId &&
      run.fingerprint === ref.fingerprint &&
      run.status === 'succeeded',
  );
  return own ? [] : previousSourceIds(ledger, ref, location);
}

/** Throws `RecoveryNeededError('table-recreated')`, so a first `sync` never bootstraps beside the old table's points. */
export async function assertNotRecreated(
  ledger: Ledger,
  ref: CheckpointRef,
  location: string | undefined,
): Promise<void> {
  const previous = await recreatedFrom(ledger, ref, location);
  if (previous.length === 0) return;
  throw new RecoveryNeededError(
    'table-recreated',
    `The table at ${location} was recreated: its id is now ${ref.sourceId}, the sink's points come from ${previous.join(', ')}. Recover from a snapshot: unchanged rows keep their vectors (copied, not embedded again), the old table's points are removed.`,
    { previousSourceIds: previous },
  );
}
