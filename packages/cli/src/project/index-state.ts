import type { CliIo } from '../cli-io.js';
import { recordedModel } from '../commands/sink-reading.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import { createSource, parseTable } from '../resolve/resolve-table.js';
import { type IndexMigration, readIndexMigration } from './index-migration.js';
import type { LoadedProject } from './load-project.js';

/** What the ledger and the table say of one index now: the inputs a saved plan records. */
export interface IndexState {
  sinkId: string;
  sourceId: string;
  /** The table's latest version (undefined for a source without versions). */
  tableVersion?: number;
  changeFeed: boolean;
  /** The sink's last run, as the ledger recorded it. */
  lastRun?: {
    runId: string;
    model: string;
    dimensions?: number;
    textColumn?: string;
    keyColumns?: string[];
  };
  /** Last version applied from the change feed (a watch), with the last run's model. */
  checkpointVersion?: number;
  /** The last migration from the file's sink (`apply --allow-migrate` started it). */
  migration?: IndexMigration;
  /**
   * Once that migration finished, the index lives in its SINK_B: this URI (and `sinkId`,
   * `lastRun` and `checkpointVersion` are SINK_B's).
   */
  sinkUri?: string;
}

/** Reads the state of one index: its sink's id, the table's version, the ledger's record. */
export async function readIndexState(
  loaded: LoadedProject,
  name: string,
  io: CliIo,
): Promise<IndexState> {
  const index = loaded.project.indexes[name]!;
  let sinkId = await sinkIdOf(loaded, name, io);
  const target = parseTable(index.source.table, loaded.dir);
  const sparkRemote =
    index.source.spark ?? (target.kind === 'catalog' ? io.env.SPARK_REMOTE : undefined);
  const source = await createSource({ target, sparkRemote, importer: io.importer });
  const ledger = await openLedger(
    ledgerPath(loaded.project.ledger, io.env, loaded.dir),
    io.importer,
  );
  try {
    const description = await source.describe({ signal: io.signal });
    const migration = await readIndexMigration(ledger, sinkId);
    const moved = migration?.state === 'finished' ? migration : undefined;
    if (moved) sinkId = moved.toSinkId;
    const state: IndexState = {
      ...(migration ? { migration } : {}),
      ...(moved ? { sinkUri: moved.toSinkUri } : {}),
      sinkId,
      sourceId: source.id,
      tableVersion: description.latestVersion,
      changeFeed: description.changeFeed === true,
    };
    const run = (await ledger.recentRuns({ sinkId, limit: 1 }))[0];
    if (!run) return state;
    const recorded = await recordedModel(ledger, sinkId);
    const options = run.options ?? {};
    state.lastRun = {
      runId: run.runId,
      model: run.model,
      ...(recorded ? { dimensions: recorded.dimensions } : {}),
      ...(typeof options.textColumn === 'string' ? { textColumn: options.textColumn } : {}),
      ...(Array.isArray(options.keyColumns) ? { keyColumns: options.keyColumns as string[] } : {}),
    };
    const checkpoint = await ledger.getCheckpoint({
      sourceId: source.id,
      sinkId,
      fingerprint: run.fingerprint,
    });
    // A watch after a full embed goes on from the version the embed read (no checkpoint yet).
    const embedded = run.kind === 'embed' && run.status === 'succeeded' ? run.toVersion : undefined;
    const applied = checkpoint?.version ?? embedded;
    if (applied !== undefined) state.checkpointVersion = applied;
    return state;
  } finally {
    await ledger.close();
    await source.close?.();
  }
}

/** The id the ledger knows an index's sink by (the sink is created, never opened). */
export async function sinkIdOf(loaded: LoadedProject, name: string, io: CliIo): Promise<string> {
  const sink = await createSinkFromUri(loaded.project.indexes[name]!.sink, io.importer, loaded.dir);
  await sink.close();
  return sink.id;
}
