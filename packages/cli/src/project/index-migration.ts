import type { Ledger } from '@drift-spark/core';
import type { MigrationState } from '@drift-spark/core/internal';
import { settingsOf } from '../commands/migrate/migrate-context.js';

/** The last migration started from an index's sink, as `drift plan` shows it. */
export interface IndexMigration {
  id: string;
  state: MigrationState;
  /** When it reached that state (its last recorded step). */
  since?: string;
  fromModel: string;
  toModel: string;
  toSinkId: string;
  /** SINK_B as the migration recorded it (never a credential): where the index lives once finished. */
  toSinkUri: string;
}

/** What to run next, by state: the plan's hint while a migration is in progress. */
export const nextMigrationStep: Record<MigrationState, string> = {
  planned: 'drift migrate start (backfills the new sink)',
  backfilling: 'drift migrate start (resumes the backfill)',
  backfilled: 'drift migrate eval, then drift migrate cutover',
  'cut-over': 'drift migrate finish --yes (drops the old sink), or drift migrate rollback',
  'rolled-back': 'drift migrate cutover again, or put the old model back in the file',
  finished: 'nothing: the index lives in the new sink',
};

/** The newest migration whose SINK_A is `sinkId`, with its last step; undefined when there is none. */
export async function readIndexMigration(
  ledger: Ledger,
  sinkId: string,
): Promise<IndexMigration | undefined> {
  const store = ledger.migrations;
  if (!store) return undefined;
  const migration = (await store.list({ sinkId })).find((found) => found.fromSinkId === sinkId);
  if (!migration) return undefined;
  const last = (await store.steps(migration.id)).at(-1);
  return {
    id: migration.id,
    state: migration.state,
    ...(last ? { since: last.at.toISOString() } : {}),
    fromModel: migration.fromModel,
    toModel: migration.toModel,
    toSinkId: migration.toSinkId,
    toSinkUri: settingsOf(migration).toSinkUri,
  };
}
