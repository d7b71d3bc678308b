import { randomUUID } from 'node:crypto';
import {
  type Embedder,
  type Ledger,
  redactUri,
  type Sink,
  type Source,
  type SyncResult,
  type SyncRunOptions,
} from '@drift-spark/core';
import { appliedVersion, type MigrationRecord, syncMigration } from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { usageError } from '../../errors/cli-error.js';
import type { Output } from '../../output/output.js';
import { resolveEmbedder } from '../../resolve/resolve-embedder.js';
import { createSinkFromUri } from '../../resolve/resolve-sink.js';
import { checkWatchChunking } from './migrate-chunking.js';
import { settingsOf } from './migrate-context.js';

/** SINK_B of the migration open on the watched (source, SINK_A), ready for dual-write. */
export interface DualWriteTarget {
  migration: MigrationRecord;
  sink: Sink;
  embedder: Embedder;
}

/**
 * The open migration whose SINK_A is the sink `drift watch` writes, with SINK_B and model
 * B resolved; undefined when none is open, or when SINK_B is not backfilled yet (its
 * backfill catches it up; a note says so). Refuses to write a finished migration's SINK_A.
 */
export async function dualWriteTarget(
  options: { source: Source; sink: Sink; embedder: Embedder; ledger: Ledger; shadow: boolean },
  io: CliIo,
  output: Output,
  closers: (() => Promise<void> | void)[],
): Promise<DualWriteTarget | undefined> {
  const store = options.ledger.migrations;
  if (!store) return undefined;
  const mine = (await store.list({ sourceId: options.source.id, sinkId: options.sink.id })).filter(
    (migration) => migration.fromSinkId === options.sink.id,
  );
  const latest = mine[0];
  if (!latest) return undefined;
  if (latest.state === 'finished')
    throw usageError(
      `${redactUri(options.sink.id)} was dropped when migration ${latest.id} finished: watch ${redactUri(latest.toSinkId)} with --model ${latest.toModel} instead.`,
    );
  if (latest.state === 'planned') return undefined;
  const settings = settingsOf(latest);
  const embedder = await resolveEmbedder({
    model: latest.toModel,
    shadow: options.shadow || settings.shadowMode,
    env: io.env,
    importer: io.importer,
    cwd: io.cwd,
  });
  const applied = await appliedVersion(options.ledger, {
    sourceId: options.source.id,
    sinkId: latest.toSinkId,
    fingerprint: embedder.fingerprint,
  });
  if (applied === undefined) {
    output.note(
      `migration ${latest.id}: SINK_B is still being backfilled; this watch updates SINK_A only, and the backfill brings SINK_B to the table's latest version when it ends (drift migrate start resumes it).`,
    );
    return undefined;
  }
  const sink = await createSinkFromUri(settings.toSinkUri, io.importer, io.cwd, (message) =>
    output.note(message),
  );
  closers.push(() => sink.close());
  return { migration: latest, sink, embedder };
}

/** `drift watch` with a migration open: both sinks from one read of the change feed. */
export async function dualWatch(
  runOptions: SyncRunOptions,
  target: DualWriteTarget,
): Promise<{ live: SyncResult; migration: Record<string, unknown> }> {
  const store = target.migration;
  checkWatchChunking(store, runOptions.chunking);
  const runId = randomUUID();
  const result = await syncMigration({
    ...runOptions,
    target: { sink: target.sink, embedder: target.embedder, runId },
  });
  const b = result.target;
  if (b && !b.upToDate)
    await runOptions.ledger.migrations?.linkRun(store.id, b.runId, 'dual-write');
  return {
    live: result.live,
    migration: {
      id: store.id,
      toSink: redactUri(target.sink.id),
      toModel: target.embedder.id,
      ...(b
        ? {
            runId: b.upToDate ? null : b.runId,
            status: b.status,
            toVersion: b.toVersion,
            inserted: b.inserted,
            updated: b.updated,
            deleted: b.deleted,
            rowsEmbedded: b.rowsEmbedded,
            tokens: b.tokens,
            costUsd: b.costUsd,
          }
        : { busyWith: result.targetBusy?.runId }),
    },
  };
}

/** One summary line for SINK_B's part of a watch. */
export function describeDualWrite(migration: Record<string, unknown>): string {
  const head = `migration ${migration.id}: ${migration.toSink} (${migration.toModel})`;
  if (migration.busyWith !== undefined)
    return `${head}: held by run ${migration.busyWith} (the backfill), which catches it up`;
  return `${head}: ${migration.inserted} inserted, ${migration.updated} updated, ${migration.deleted} deleted, ${migration.rowsEmbedded} embedded, at version ${migration.toVersion}`;
}
