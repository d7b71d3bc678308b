import { type Embedder, redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { type MigrateStartOptions, migratePlanCommand } from '../commands/migrate/migrate-start.js';
import { type RunKindFlag, runPipelineCommand } from '../commands/run-command.js';
import { CliError, ExitCode } from '../errors/cli-error.js';
import { resolveEmbedder } from '../resolve/resolve-embedder.js';
import { type CopySource, findCopySource } from './copy-candidate.js';
import type { IndexMigration } from './index-migration.js';
import type { IndexState } from './index-state.js';
import type { LoadedProject } from './load-project.js';
import { type EmbedTime, embedTime } from './plan-time.js';
import { capturingIo, projectIo, runOptionsOf } from './project-run-options.js';

/**
 * What `drift apply` would do to one index: `create` (a full embed), `update` (the change
 * feed since the checkpoint), `rebuild` (key or text column changed: a full embed),
 * `copy` (the sink changed, not the model: the old sink's vectors copied, $0),
 * `migrate` (model or dimensions changed: `drift migrate`, never into the old index),
 * `migrating` (a migration to the file's model is in progress and both sinks are in step:
 * nothing for apply), `none` (in step).
 */
export type IndexAction =
  | 'create'
  | 'copy'
  | 'update'
  | 'rebuild'
  | 'migrate'
  | 'migrating'
  | 'none';

export interface IndexPlan {
  index: string;
  action: IndexAction;
  /** Why, in words: `model openai/a → openai/b`. */
  reason?: string;
  model: string;
  /** copy: the sink the vectors are copied from. */
  fromSink?: string;
  /** migrate: the model the ledger recorded for the sink. */
  fromModel?: string;
  sink: string;
  /** Whether the table has a Change Data Feed (apply follows it; else a full scan). */
  changeFeed: boolean;
  tableVersion?: number;
  checkpointVersion?: number;
  versionsBehind?: number;
  rowsToEmbed: number;
  rowsToDelete: number;
  rowsUnchanged: number;
  tokens: number;
  costUsd: number;
  /** update: the change feed's net effect. */
  changes?: { inserted: number; updated: number; deleted: number };
  /** migrate: what `drift migrate plan` says. */
  migration?: Record<string, unknown>;
  /** How long embedding `rowsToEmbed` takes at the provider's declared rate limits. */
  time?: EmbedTime;
  /** The migration to the file's model in progress (or finished) on this index. */
  inProgress?: IndexMigration;
  /**
   * Flags apply runs with instead of the file's: the old model while a migration is in
   * progress (its watch writes both sinks), SINK_B once it finished.
   */
  runAs?: { model?: string; sink?: string };
}

/** Plans one index from its state, through the dry runs of `embed`, `watch` and `migrate plan`. */
export async function planIndex(
  loaded: LoadedProject,
  name: string,
  state: IndexState,
  io: CliIo,
): Promise<IndexPlan> {
  const index = loaded.project.indexes[name]!;
  const declared = await resolveEmbedder({
    model: index.embedder.model,
    shadow: true,
    dimensions: index.embedder.dimensions,
    env: io.env,
    importer: io.importer,
    cwd: loaded.dir,
  });
  const plan = await planAction(loaded, name, state, declared, io);
  const time = embedTime(declared.limits, { rows: plan.rowsToEmbed, tokens: plan.tokens });
  return time ? { ...plan, time } : plan;
}

async function planAction(
  loaded: LoadedProject,
  name: string,
  state: IndexState,
  declared: Embedder,
  io: CliIo,
): Promise<IndexPlan> {
  const index = loaded.project.indexes[name]!;
  // A finished migration moved the index to its SINK_B.
  const runAs: IndexPlan['runAs'] = state.sinkUri ? { sink: state.sinkUri } : undefined;
  const base = {
    ...(runAs ? { runAs, inProgress: state.migration } : {}),
    index: name,
    model: declared.id,
    sink: state.sinkId,
    changeFeed: state.changeFeed,
    ...(state.tableVersion === undefined ? {} : { tableVersion: state.tableVersion }),
    ...(state.checkpointVersion === undefined
      ? {}
      : { checkpointVersion: state.checkpointVersion }),
  };
  const run = state.lastRun;
  if (!run) {
    const copy = await findCopySource(loaded, name, state, declared, io);
    if (copy) return { ...base, action: 'copy', fromSink: redactUri(copy.sinkId), ...copied(copy) };
    return { ...base, action: 'create', ...(await dryRun(loaded, name, 'embed', io)) };
  }
  const modelChanged = run.model !== declared.id;
  const migration = state.migration;
  if (modelChanged && migration?.toModel === declared.id && migration.state !== 'finished')
    return migrating(loaded, name, { ...base, fromModel: run.model, inProgress: migration }, io);
  if (modelChanged || (run.dimensions !== undefined && run.dimensions !== declared.dimensions)) {
    const reason = modelChanged
      ? `model ${run.model} → ${declared.id}`
      : `dimensions ${run.dimensions} → ${declared.dimensions}`;
    const figures = modelChanged
      ? await migrationFigures(loaded, name, run.model, io)
      : await dryRun(loaded, name, 'embed', io);
    return { ...base, action: 'migrate', reason, fromModel: run.model, ...figures };
  }
  const columns = columnChange(run, index.source);
  if (columns)
    return {
      ...base,
      action: 'rebuild',
      reason: columns,
      ...(await dryRun(loaded, name, 'embed', io, runAs)),
    };
  const behind =
    state.tableVersion !== undefined && state.checkpointVersion !== undefined
      ? state.tableVersion - state.checkpointVersion
      : undefined;
  const figures = await dryRun(loaded, name, state.changeFeed ? 'watch' : 'embed', io, runAs);
  const idle = figures.rowsToEmbed === 0 && figures.rowsToDelete === 0 && (behind ?? 0) === 0;
  return {
    ...base,
    action: idle ? 'none' : 'update',
    ...(behind === undefined ? {} : { versionsBehind: behind }),
    ...figures,
  };
}

function columnChange(
  run: NonNullable<IndexState['lastRun']>,
  source: { textColumn: string; keyColumns: string[] },
): string | undefined {
  if (run.textColumn !== undefined && run.textColumn !== source.textColumn)
    return `text column ${run.textColumn} → ${source.textColumn}`;
  const keys = source.keyColumns.join(',');
  if (run.keyColumns !== undefined && run.keyColumns.join(',') !== keys)
    return `key columns ${run.keyColumns.join(',')} → ${keys}`;
  return undefined;
}

type Figures = Pick<
  IndexPlan,
  'rowsToEmbed' | 'rowsToDelete' | 'rowsUnchanged' | 'tokens' | 'costUsd' | 'changes'
>;

/**
 * A migration to the file's model is in progress: not a change to make again. What the
 * table moved since is applied with the old model, whose watch writes both sinks.
 */
async function migrating(
  loaded: LoadedProject,
  name: string,
  base: Omit<IndexPlan, 'action' | keyof Figures>,
  io: CliIo,
): Promise<IndexPlan> {
  const runAs = { model: base.fromModel! };
  const figures = await dryRun(loaded, name, base.changeFeed ? 'watch' : 'embed', io, runAs);
  const behind =
    base.tableVersion !== undefined && base.checkpointVersion !== undefined
      ? base.tableVersion - base.checkpointVersion
      : undefined;
  const idle = figures.rowsToEmbed === 0 && figures.rowsToDelete === 0 && (behind ?? 0) === 0;
  return {
    ...base,
    action: idle ? 'migrating' : 'update',
    runAs,
    ...(behind === undefined ? {} : { versionsBehind: behind }),
    ...figures,
  };
}

/** A copy: every vector of the old sink, no provider call. */
function copied(copy: CopySource): Figures {
  return { rowsToEmbed: 0, rowsToDelete: 0, rowsUnchanged: copy.points, tokens: 0, costUsd: 0 };
}

/** `drift embed|watch --dry-run --json` for the index, its figures read back. */
async function dryRun(
  loaded: LoadedProject,
  name: string,
  kind: RunKindFlag,
  io: CliIo,
  runAs: IndexPlan['runAs'] = {},
): Promise<Figures> {
  const capture = capturingIo(projectIo(io, loaded), { quiet: true });
  const options = runOptionsOf(loaded, name, { dryRun: true, json: true, ...runAs });
  const code = await runPipelineCommand(kind, options, capture.io);
  const plan = capture.json() ?? {};
  if (code !== ExitCode.Done) throw failure(name, plan, code);
  const number = (key: string) => Number(plan[key] ?? 0);
  const changes = plan.changes as Figures['changes'];
  return {
    rowsToEmbed: number('rowsToEmbed'),
    rowsToDelete: number('rowsToDelete'),
    rowsUnchanged: number('rowsDeduped'),
    tokens: number('estimatedTokens'),
    costUsd: number('estimatedCostUsd'),
    ...(kind === 'watch' && changes ? { changes } : {}),
  };
}

/** `drift migrate plan --json` from the model the ledger recorded to the file's model. */
async function migrationFigures(
  loaded: LoadedProject,
  name: string,
  fromModel: string,
  io: CliIo,
): Promise<Figures & { migration: Record<string, unknown> }> {
  const options = runOptionsOf(loaded, name);
  const capture = capturingIo(projectIo(io, loaded), { quiet: true });
  const code = await migratePlanCommand(migrateOptions(options, fromModel, true), capture.io);
  const migration = capture.json() ?? {};
  if (code !== ExitCode.Done) throw failure(name, migration, code);
  const reembed = (migration.reembed ?? {}) as Record<string, number>;
  return {
    rowsToEmbed: reembed.rowsToEmbed ?? 0,
    rowsToDelete: 0,
    rowsUnchanged: 0,
    tokens: reembed.tokens ?? 0,
    costUsd: reembed.costUsd ?? 0,
    migration,
  };
}

/** The project index as the flags of `drift migrate plan|start` (SINK_A: the file's sink). */
export function migrateOptions(
  options: ReturnType<typeof runOptionsOf>,
  fromModel: string,
  json: boolean,
): MigrateStartOptions {
  return {
    table: options.table,
    textCol: options.textCol,
    keyCol: options.keyCol,
    metadataCol: options.metadataCol,
    from: options.sink!,
    fromModel,
    toModel: options.model!,
    shadowMode: options.shadowMode,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    maxCost: options.maxCost,
    ledger: options.ledger,
    spark: options.spark,
    json,
  };
}

function failure(name: string, result: Record<string, unknown>, code: number) {
  const error = result.error as { message?: string } | undefined;
  const message = `index ${name}: ${error?.message ?? 'the dry run failed'}`;
  return new CliError(message, { exitCode: code as ExitCode });
}
