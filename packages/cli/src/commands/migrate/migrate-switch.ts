import { redactUri } from '@drift-spark/core';
import type { MigrationRecord } from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { CliError, ExitCode, usageError } from '../../errors/cli-error.js';
import type { Output } from '../../output/output.js';
import { withCommand } from '../command-context.js';
import { chunkGateReasons } from './migrate-chunking.js';
import {
  findMigration,
  type MigrateStepOptions,
  type MigrationPlugins,
  openMigrationLedger,
  openMigrationPlugins,
  settingsOf,
} from './migrate-context.js';
import { checkStep } from './migrate-states.js';
import { summarizeMigration } from './migrate-status.js';

export interface MigrateSwitchOptions extends MigrateStepOptions {
  force?: boolean;
  yes?: boolean;
}

type Switch = 'cutover' | 'rollback' | 'finish';

/** `drift migrate cutover | rollback | finish`: move the stable name, or end the migration. */
export function migrateSwitchCommand(
  step: Switch,
  options: MigrateSwitchOptions,
  io: CliIo,
): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const { ledger, store } = await openMigrationLedger(options, io, track);
    const migration = await findMigration(store, options.migration);
    const verdict = checkStep(migration, step);
    if (step === 'finish' && verdict === 'run' && !options.yes)
      throw usageError(
        `drift migrate finish drops SINK_A (${redactUri(migration.fromSinkId)}) and every point in it, for good: run it again with --yes.`,
      );
    if (verdict === 'done' && step !== 'cutover') {
      report(output, migration, step, 'already done');
      return ExitCode.Done;
    }
    const plugins = await openMigrationPlugins(migration, options, io, track, output);
    if (step === 'cutover') {
      if (verdict === 'run') {
        const refused = await gate(ledger, migration, plugins, io);
        refused.push(...(await chunkGate(ledger, migration, plugins, io)));
        if (refused.length > 0 && !options.force)
          throw new CliError(
            `Cutover refused: ${refused.join('; ')}. Or pass --force to cut over anyway.`,
            { code: 'migration-gate' },
          );
        if (refused.length > 0)
          output.note(`cutting over despite: ${refused.join('; ')} (--force)`);
      }
      await moveName(migration, plugins, 'to', output);
      const after =
        verdict === 'run'
          ? await store.update(
              migration.id,
              { state: 'cut-over', ...(options.force ? { note: 'forced' } : {}) },
              ['backfilled', 'rolled-back'],
            )
          : migration;
      report(output, after, step, verdict === 'done' ? 'already done' : 'done');
      return ExitCode.Done;
    }
    if (step === 'rollback') {
      await moveName(migration, plugins, 'from', output);
      report(
        output,
        await store.update(migration.id, { state: 'rolled-back' }, ['cut-over']),
        step,
        'done',
      );
      return ExitCode.Done;
    }
    // finish: applications must not be reading SINK_A any more.
    const name = migration.aliasName;
    if (
      name &&
      plugins.sinkB.alias &&
      (await plugins.sinkB.alias.read(name)) !== plugins.sinkB.alias.target
    )
      throw new CliError(`${name} does not point at SINK_B: run drift migrate cutover first.`, {
        code: 'migration-state',
      });
    if (!plugins.sinkA.drop)
      throw new CliError(
        `The sink ${redactUri(migration.fromSinkId)} cannot drop its table/collection: drop it yourself, then run drift migrate finish --yes again.`,
        { code: 'migration-state' },
      );
    await plugins.sinkA.drop({ signal: io.signal });
    report(
      output,
      await store.update(migration.id, { state: 'finished', note: 'SINK_A dropped' }, ['cut-over']),
      step,
      'done',
    );
    return ExitCode.Done;
  });
}

/** Moves the stable name to SINK_B (`to`) or back to SINK_A (`from`). */
async function moveName(
  migration: MigrationRecord,
  plugins: MigrationPlugins,
  side: 'to' | 'from',
  output: Output,
): Promise<void> {
  const sink = side === 'to' ? plugins.sinkB : plugins.sinkA;
  if (!migration.aliasName || !sink.alias) {
    output.note(
      `${redactUri(sink.id)} offers no stable name (view or alias): point your application at it yourself.`,
    );
    return;
  }
  await sink.alias.point(migration.aliasName);
}

/** What stops a cutover: each reason says what to run. */
async function gate(
  ledger: Parameters<typeof summarizeMigration>[0],
  migration: MigrationRecord,
  plugins: MigrationPlugins,
  io: CliIo,
): Promise<string[]> {
  const table = (await plugins.source.describe({ signal: io.signal })).latestVersion;
  const summary = await summarizeMigration(ledger, migration, table);
  const reasons: string[] = [];
  if (summary.toVersion !== table || summary.fromVersion !== table)
    reasons.push(
      `the table is at version ${table}, SINK_A at ${summary.fromVersion ?? 'none'}, SINK_B at ${summary.toVersion ?? 'none'}: run drift watch (it applies changes to both sinks) first`,
    );
  const sinkA = await plugins.sinkA.count({ signal: io.signal });
  const sinkB = await plugins.sinkB.count({ signal: io.signal });
  // Chunked, each model cuts its own chunks: the sinks' counts may differ (see chunkGate).
  const sameCount = settingsOf(migration).chunking !== undefined || sinkA === sinkB;
  if (sinkA !== summary.fromPoints || sinkB !== summary.toPoints || !sameCount)
    reasons.push(
      `SINK_A holds ${sinkA} points (ledger ${summary.fromPoints}), SINK_B ${sinkB} (ledger ${summary.toPoints}): run drift watch, or drift migrate start again, first`,
    );
  if (!summary.evaluated) reasons.push('no evaluation is recorded: run drift migrate eval first');
  return reasons;
}

/** The chunked migration's part of the gate: each sink equal to the table's chunks. */
function chunkGate(
  ledger: Parameters<typeof summarizeMigration>[0],
  migration: MigrationRecord,
  plugins: MigrationPlugins,
  io: CliIo,
): Promise<string[]> {
  return chunkGateReasons(
    {
      ledger,
      migration,
      source: plugins.source,
      sinks: [
        { name: 'SINK_A', sink: plugins.sinkA, embedder: plugins.embedderA },
        { name: 'SINK_B', sink: plugins.sinkB, embedder: plugins.embedderB },
      ],
    },
    io,
  );
}

function report(output: Output, migration: MigrationRecord, step: Switch, what: string): void {
  const target = migration.state === 'rolled-back' ? migration.fromSinkId : migration.toSinkId;
  output.result({
    migrationId: migration.id,
    step,
    state: migration.state,
    alias: migration.aliasName ?? null,
    pointsAt:
      migration.state === 'finished' ||
      migration.state === 'cut-over' ||
      migration.state === 'rolled-back'
        ? redactUri(target)
        : null,
    alreadyDone: what === 'already done',
  });
  output.line(
    `${output.colors.bold(`drift migrate ${step}`)} ${what}: migration ${migration.id} is ${migration.state}` +
      (migration.aliasName && migration.state !== 'finished'
        ? `; ${migration.aliasName} → ${redactUri(target)}`
        : ''),
  );
}
