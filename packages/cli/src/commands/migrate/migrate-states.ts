import type { MigrationRecord, MigrationState } from '@drift-spark/core/internal';
import { CliError } from '../../errors/cli-error.js';

export type MigrationStep = 'start' | 'cutover' | 'rollback' | 'finish' | 'eval' | 'adapter';

/** Which states each step runs from; a step asked for again in its own end state is a no-op. */
const rules: Record<MigrationStep, { from: MigrationState[]; done?: MigrationState }> = {
  start: { from: ['planned', 'backfilling'], done: 'backfilled' },
  cutover: { from: ['backfilled', 'rolled-back'], done: 'cut-over' },
  rollback: { from: ['cut-over'], done: 'rolled-back' },
  finish: { from: ['cut-over'], done: 'finished' },
  eval: { from: ['planned', 'backfilling', 'backfilled', 'cut-over', 'rolled-back'] },
  adapter: { from: ['planned', 'backfilling', 'backfilled', 'cut-over', 'rolled-back'] },
};

/** What to run first, by the state the migration is in. */
const firstRun: Record<MigrationState, string> = {
  planned: 'run drift migrate start to backfill SINK_B first',
  backfilling:
    'its backfill has not finished: run drift migrate start again (it resumes where it stopped) first',
  backfilled: 'run drift migrate cutover first',
  'cut-over': 'it is cut over: drift migrate rollback moves applications back to SINK_A',
  'rolled-back': 'it was rolled back: run drift migrate cutover first',
  finished: 'it is finished (SINK_A was dropped); start a new migration to change models again',
};

/**
 * Whether `step` may run on `migration` now: `'run'`, or `'done'` when the migration is
 * already where the step leads (steps are idempotent). Refuses other states with a
 * message that says what to run first.
 */
export function checkStep(migration: MigrationRecord, step: MigrationStep): 'run' | 'done' {
  const rule = rules[step];
  if (rule.done === migration.state) return 'done';
  if (rule.from.includes(migration.state)) return 'run';
  throw new CliError(
    `Cannot ${step === 'adapter' ? 'fit an adapter for' : step} migration ${migration.id}: it is ${migration.state}; ${firstRun[migration.state]}.`,
    { code: 'migration-state' },
  );
}

export const openStates: MigrationState[] = [
  'planned',
  'backfilling',
  'backfilled',
  'cut-over',
  'rolled-back',
];
