import {
  type EmbedRunOptions,
  RecoveryNeededError,
  type RunResult,
  type SyncResult,
  type SyncRunOptions,
} from '@drift-spark/core';
import type { RecoveryReason } from '@drift-spark/core/internal';
import { coreFunction } from '../core-api.js';
import { CliError } from '../errors/cli-error.js';
import type { Output } from '../output/output.js';

const causes: Record<RecoveryReason, string> = {
  'table-recreated':
    'the table was recreated (a new Delta table id at the same location), so the checkpoint belongs to the old table',
  'versions-vacuumed':
    "versions after the checkpoint were vacuumed or are past the change feed's retention (their commit or change files are gone)",
  'change-feed-off':
    'the Change Data Feed was off for some versions after the checkpoint, so their changes were not recorded',
  'schema-changed':
    "the table's schema changed after the checkpoint in a way its older files cannot be read through (a column's type changed, or it was dropped and made again)",
};

/** One line: what happened to the feed and the command that repairs it. */
export function recoveryRemedy(reason: RecoveryReason, table: string): string {
  return `Cannot follow the change feed of ${table}: ${causes[reason]}. Run the same drift watch with --recover: it rebuilds from a snapshot of the latest version, embeds only rows whose text changed, removes deleted rows and moves the checkpoint there.`;
}

export function recoveryNeededError(reason: RecoveryReason, table: string, cause?: unknown) {
  return new CliError(recoveryRemedy(reason, table), { code: 'recovery-needed', cause });
}

/**
 * `watch`: the change feed, or with `--recover` a snapshot diffed against the ledger. A
 * feed that cannot go on from its checkpoint fails with the remedy (exit 1).
 */
export async function runWatch(
  runOptions: SyncRunOptions,
  recover: boolean,
  table: string,
): Promise<SyncResult> {
  if (recover) return coreFunction('recover')(runOptions);
  try {
    return await coreFunction('sync')(runOptions);
  } catch (error) {
    if (RecoveryNeededError.isRecoveryNeeded(error))
      throw recoveryNeededError(error.recovery, table, error);
    throw error;
  }
}

/**
 * `embed`: a full scan; on a table recreated where another one was embedded into the
 * same sink, a recovery (vectors reused by text, the old table's points removed).
 */
export async function runEmbed(runOptions: EmbedRunOptions, output: Output): Promise<RunResult> {
  if (runOptions.version === undefined && runOptions.location !== undefined) {
    const previous = await coreFunction('recreatedFrom')(
      runOptions.ledger,
      {
        sourceId: runOptions.source.id,
        sinkId: runOptions.sink.id,
        fingerprint: runOptions.embedder.fingerprint,
      },
      runOptions.location,
    );
    if (previous.length > 0) {
      output.note(
        `The table at ${runOptions.location} was recreated (its points in this sink come from ${previous.join(', ')}): recovering from a snapshot, reusing the vectors of unchanged texts and removing the old table's points.`,
      );
      return coreFunction('recover')({ ...runOptions, reason: 'table-recreated' });
    }
  }
  return coreFunction('embed')(runOptions);
}
