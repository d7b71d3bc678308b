import { randomUUID } from 'node:crypto';
import { type Ledger, redactUri, type Sink, type Source } from '@drift-spark/core';
import {
  backfillMigration,
  formatChunkSpec,
  type MigrationRecord,
  type MigrationStore,
} from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { ExitCode, usageError } from '../../errors/cli-error.js';
import { formatInt, formatUsd } from '../../output/format.js';
import type { Output } from '../../output/output.js';
import { ProgressDisplay } from '../../output/progress.js';
import { resolveEmbedder } from '../../resolve/resolve-embedder.js';
import { createSinkFromUri } from '../../resolve/resolve-sink.js';
import { createSource, parseTable } from '../../resolve/resolve-table.js';
import { withCommand } from '../command-context.js';
import { recordedChunking } from '../recorded-chunking.js';
import { recordedModel } from '../sink-reading.js';
import { migrationChunking } from './migrate-chunking.js';
import {
  defaultTargetSinkUri,
  type MigrationSettings,
  openMigrationLedger,
  recordedSinkUri,
  settingsOf,
  type Track,
} from './migrate-context.js';
import { migrationPlan, printPlan } from './migrate-plan.js';
import { checkStep } from './migrate-states.js';

export interface MigrateStartOptions {
  table: string;
  textCol: string;
  keyCol?: string;
  metadataCol?: string;
  from: string;
  fromModel?: string;
  toModel: string;
  toSink?: string;
  alias?: string;
  shadowMode?: boolean;
  batchSize?: number;
  concurrency?: number;
  maxCost?: number;
  pairs?: number;
  tokensPerMinute?: number;
  ledger?: string;
  spark?: string;
  json?: boolean;
}

interface Resolved {
  ledger: Ledger;
  store: MigrationStore;
  source: Source;
  latestVersion: number;
  sinkA: Sink;
  sinkB: Sink;
  settings: MigrationSettings;
  fromModel: string;
}

const columns = (value: string | undefined, fallback: string[]) =>
  value === undefined
    ? fallback
    : value
        .split(',')
        .map((column) => column.trim())
        .filter(Boolean);

async function resolveMigration(
  options: MigrateStartOptions,
  io: CliIo,
  track: Track,
  output: Output,
): Promise<Resolved> {
  const { ledger, store } = await openMigrationLedger(options, io, track);
  const target = parseTable(options.table, io.cwd);
  const source = await createSource({
    target,
    ...(options.spark ? { sparkRemote: options.spark } : {}),
    importer: io.importer,
  });
  if (source.close) track.close(() => source.close?.());
  const description = await source.describe({ signal: io.signal });
  if (description.latestVersion === undefined || !description.changeFeed)
    throw usageError(
      `${options.table} has no Change Data Feed, which a migration follows to keep both sinks in step: enable it (ALTER TABLE … SET TBLPROPERTIES (delta.enableChangeDataFeed = true)).`,
    );
  const note = (message: string) => output.note(message);
  const sinkA = await createSinkFromUri(options.from, io.importer, io.cwd, note);
  track.close(() => sinkA.close());
  const chunking = await recordedChunking(ledger, sinkA.id);
  const fromModel = options.fromModel ?? (await recordedModel(ledger, sinkA.id))?.model;
  if (!fromModel)
    throw usageError(
      `The ledger has no run into ${redactUri(sinkA.id)}, so its model is unknown: pass --from-model provider/model.`,
    );
  if (fromModel === options.toModel)
    throw usageError(
      `${redactUri(sinkA.id)} is already embedded with ${fromModel}: --to-model must name another model.`,
    );
  const fromSinkUri = recordedSinkUri(options.from, io.cwd);
  const toSinkUri = recordedSinkUri(
    options.toSink ?? defaultTargetSinkUri(fromSinkUri, options.toModel),
    io.cwd,
  );
  const sinkB = await createSinkFromUri(toSinkUri, io.importer, io.cwd, note);
  track.close(() => sinkB.close());
  if (sinkB.id === sinkA.id)
    throw usageError('--to-sink is SINK_A itself: a migration writes model B into another sink.');
  const settings: MigrationSettings = {
    table: target.kind === 'path' ? target.location : options.table,
    textColumn: options.textCol,
    keyColumns: columns(options.keyCol, ['id']),
    metadataColumns: columns(options.metadataCol, []),
    fromSinkUri,
    toSinkUri,
    ...(options.spark ? { spark: options.spark } : {}),
    shadowMode: options.shadowMode === true,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(chunking ? { chunking: formatChunkSpec(chunking) } : {}),
  };
  return {
    ledger,
    store,
    source,
    latestVersion: description.latestVersion,
    sinkA,
    sinkB,
    settings,
    fromModel,
  };
}

/** `drift migrate plan`: what a full re-embed with model B costs, and an adapter instead. */
export function migratePlanCommand(options: MigrateStartOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const resolved = await resolveMigration(options, io, track, output);
    const plan = await migrationPlan(resolved, options, io);
    printPlan(output, plan);
    return ExitCode.Done;
  });
}

/** `drift migrate start`: records the migration (once) and backfills SINK_B; resumable. */
export function migrateStartCommand(options: MigrateStartOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const resolved = await resolveMigration(options, io, track, output);
    const { store, sinkA, sinkB, settings } = resolved;
    track.sinkId(sinkB.id);
    const migration = await recordOrResume(resolved, options);
    if (checkStep(migration, 'start') === 'done') {
      output.note(
        `Migration ${migration.id} is already backfilled: drift migrate status shows it.`,
      );
      output.result({ migrationId: migration.id, state: migration.state });
      output.line(`migration ${migration.id}: ${migration.state}`);
      return ExitCode.Done;
    }
    await store.update(migration.id, { state: 'backfilling' }, ['planned', 'backfilling']);
    const shadow = settings.shadowMode;
    const embedder = (model: string) =>
      resolveEmbedder({ model, shadow, env: io.env, importer: io.importer, cwd: io.cwd });
    const [embedderA, embedderB] = [
      await embedder(resolved.fromModel),
      await embedder(options.toModel),
    ];
    // Applications can query the stable name from now on: it points at SINK_A until cutover.
    if (migration.aliasName && sinkA.alias) {
      await sinkA.open({
        dimensions: embedderA.dimensions,
        distance: 'cosine',
        model: embedderA.id,
      });
      if ((await sinkA.alias.read(migration.aliasName)) === undefined)
        await sinkA.alias.point(migration.aliasName);
    }
    const progress = new ProgressDisplay(output);
    track.close(() => progress.stop());
    const link = async (role: 'backfill' | 'catch-up') => {
      const runId = randomUUID();
      await store.linkRun(migration.id, runId, role);
      return runId;
    };
    const result = await backfillMigration({
      source: resolved.source,
      sink: sinkB,
      embedder: embedderB,
      ledger: resolved.ledger,
      textColumn: settings.textColumn,
      keyColumns: settings.keyColumns,
      metadataColumns: settings.metadataColumns,
      // As recorded when the migration started, so a resumed backfill cuts the same chunks.
      ...migrationChunking(settingsOf(migration)),
      ...(settings.batchSize ? { batchSize: settings.batchSize } : {}),
      ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
      ...(options.maxCost === undefined ? {} : { maxCostUsd: options.maxCost }),
      version: migration.backfillVersion as number,
      runId: await link('backfill'),
      nextRunId: () => link('catch-up'),
      ...(io.signal ? { signal: io.signal } : {}),
      onEvent: progress.onEvent,
    });
    progress.stop();
    const runs = [result.scan, ...result.catchUp];
    const complete = runs.every((run) => run.status === 'succeeded');
    const after = complete
      ? await store.update(
          migration.id,
          { state: 'backfilled', note: `SINK_B at version ${result.toVersion}` },
          ['backfilling'],
        )
      : migration;
    const totals = {
      rowsEmbedded: runs.reduce((sum, run) => sum + run.rowsEmbedded, 0),
      rowsDeduped: runs.reduce((sum, run) => sum + run.rowsDeduped, 0),
      tokens: runs.reduce((sum, run) => sum + run.tokens, 0),
      costUsd: runs.reduce((sum, run) => sum + run.costUsd, 0),
    };
    if (output.json) {
      output.result({
        migrationId: migration.id,
        state: complete ? 'backfilled' : 'backfilling',
        toSink: redactUri(sinkB.id),
        toVersion: result.toVersion,
        runs: runs.map((run) => ({ runId: run.runId, status: run.status })),
        ...totals,
      });
    } else {
      output.line(
        `${output.colors.bold('drift migrate start')} ${complete ? output.colors.green('backfilled') : output.colors.yellow('not finished')}: migration ${migration.id}`,
      );
      output.line(
        `  ${redactUri(sinkB.id)} (${embedderB.id}) at version ${result.toVersion}: ${formatInt(totals.rowsEmbedded)} embedded, ${formatInt(totals.rowsDeduped)} already there, ${formatInt(totals.tokens)} tokens, ${formatUsd(totals.costUsd)}`,
      );
      output.line(
        complete
          ? `  next: drift migrate eval, then drift migrate cutover${after.aliasName ? ` (moves ${after.aliasName} to SINK_B)` : ''}; drift watch keeps both sinks in step meanwhile`
          : '  run drift migrate start again: it resumes, and pays nothing twice',
      );
    }
    return complete ? ExitCode.Done : ExitCode.Failed;
  });
}

/** The open migration of (source, SINK_A) to this SINK_B, or a new one pinned to the latest version. */
async function recordOrResume(
  resolved: Resolved,
  options: MigrateStartOptions,
): Promise<MigrationRecord> {
  const { store, source, sinkA, sinkB } = resolved;
  const open = await store.list({ sourceId: source.id, sinkId: sinkA.id, open: true });
  const same = open.find(
    (migration) => migration.fromSinkId === sinkA.id && migration.toSinkId === sinkB.id,
  );
  if (same) return same;
  if (open.length > 0)
    throw usageError(
      `Migration ${open[0]!.id} of ${redactUri(sinkA.id)} is open (to ${redactUri(open[0]!.toSinkId)}): finish it first (drift migrate status).`,
    );
  const aliasName = options.alias ?? (sinkA.alias ? `${sinkA.alias.target}_live` : undefined);
  return store.create({
    id: randomUUID(),
    sourceId: source.id,
    fromSinkId: sinkA.id,
    fromModel: resolved.fromModel,
    toSinkId: sinkB.id,
    toModel: options.toModel,
    ...(aliasName ? { aliasName } : {}),
    backfillVersion: resolved.latestVersion,
    options: resolved.settings as unknown as Record<string, unknown>,
    createdAt: new Date(),
  });
}
