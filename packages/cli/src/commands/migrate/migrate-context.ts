import { type Embedder, type Ledger, redactUri, type Sink, type Source } from '@drift-spark/core';
import type { MigrationRecord, MigrationStore } from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { CliError, usageError } from '../../errors/cli-error.js';
import type { Output } from '../../output/output.js';
import { resolveEmbedder } from '../../resolve/resolve-embedder.js';
import { ledgerPath, openLedger } from '../../resolve/resolve-ledger.js';
import { absolutePgliteUri, createSinkFromUri, sanitizeName } from '../../resolve/resolve-sink.js';
import { createSource, parseTable } from '../../resolve/resolve-table.js';

/** Flags every `drift migrate` step after `start` takes. */
export interface MigrateStepOptions {
  migration?: string;
  ledger?: string;
  shadowMode?: boolean;
  json?: boolean;
}

/** What a migration records of how it was started, to run its later steps (never credentials). */
export interface MigrationSettings {
  table: string;
  textColumn: string;
  keyColumns: string[];
  metadataColumns: string[];
  fromSinkUri: string;
  toSinkUri: string;
  spark?: string;
  shadowMode: boolean;
  batchSize?: number;
  concurrency?: number;
  /** SINK_A's chunking (`formatChunkSpec`), which SINK_B follows; absent for whole rows. */
  chunking?: string;
}

export type Track = { close(closer: () => Promise<void> | void): void; sinkId(id: string): void };

export async function openMigrationLedger(
  options: { ledger?: string },
  io: CliIo,
  track: Track,
): Promise<{ ledger: Ledger; store: MigrationStore }> {
  const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
  track.close(() => ledger.close());
  if (!ledger.migrations)
    throw new CliError(
      'This ledger records no migrations: install the @drift-spark/ledger version that matches @drift-spark/cli.',
      { code: 'missing-plugin' },
    );
  return { ledger, store: ledger.migrations };
}

/** The migration `--migration` names, else the only open one. */
export async function findMigration(
  store: MigrationStore,
  id: string | undefined,
): Promise<MigrationRecord> {
  if (id !== undefined) {
    const found = await store.get(id);
    if (!found)
      throw usageError(
        `No migration ${id} in the ledger: drift migrate status lists the open ones.`,
      );
    return found;
  }
  const open = await store.list({ open: true });
  // Steps are idempotent: a finished migration answers `finish` again (and refuses the rest).
  const latest = open.length === 0 ? (await store.list())[0] : undefined;
  if (latest?.state === 'finished') return latest;
  if (open.length === 0)
    throw usageError(
      'No open migration in the ledger: start one with drift migrate start --table T --text-col C --from SINK_A --to-model B (see drift migrate plan first).',
    );
  if (open.length > 1)
    throw usageError(
      `${open.length} migrations are open (${open.map((migration) => migration.id).join(', ')}): pass --migration ID.`,
    );
  return open[0]!;
}

export function settingsOf(migration: MigrationRecord): MigrationSettings {
  return migration.options as unknown as MigrationSettings;
}

/**
 * SINK_B's default: beside SINK_A, named after it and model B (`docs` → `docs_titan_embed_text_v2_0`):
 * a `table=` for PostgreSQL/PGlite (same database, so one view can point at either), a
 * collection on the same Qdrant server.
 */
export function defaultTargetSinkUri(fromUri: string, toModel: string): string {
  const modelName = sanitizeName(toModel.replace(/^[^/]+\//, '').replace(/^amazon\./, ''));
  const table = /([?&]table=)([^&]+)/.exec(fromUri);
  if (table) {
    const name = sanitizeName(`${decodeURIComponent(table[2]!)}_${modelName}`).slice(0, 63);
    return fromUri.replace(table[0], `${table[1]}${name}`);
  }
  const qdrant = /^(qdrants?:\/\/[^/]+\/)([^/?#]+)(.*)$/i.exec(fromUri);
  if (qdrant) return `${qdrant[1]}${sanitizeName(`${qdrant[2]}_${modelName}`)}${qdrant[3]}`;
  throw usageError(
    `Cannot derive a sink for ${toModel} from ${redactUri(fromUri)}: pass --to-sink URI.`,
  );
}

/** A sink URI as the migration records it: pglite folders absolute; never a credential. */
export function recordedSinkUri(uri: string, cwd: string): string {
  const absolute = /^pglite:\/\//i.test(uri) ? absolutePgliteUri(uri, cwd) : uri;
  return redactUri(absolute);
}

/** A recorded URI lost its password to redaction: the step needs it from the environment. */
function checkUsable(uri: string, which: string): void {
  if (uri.includes('***'))
    throw usageError(
      `The ${which} URI of this migration held a credential, which the ledger never keeps: put it in the environment (PGPASSWORD, QDRANT_API_KEY) and start the migration with a URI without it.`,
    );
}

export interface MigrationPlugins {
  source: Source;
  sinkA: Sink;
  sinkB: Sink;
  embedderA: Embedder;
  embedderB: Embedder;
}

/** The source, both sinks (opened) and both embedders of a recorded migration. */
export async function openMigrationPlugins(
  migration: MigrationRecord,
  options: MigrateStepOptions,
  io: CliIo,
  track: Track,
  output: Output,
  open: { sinks?: boolean } = {},
): Promise<MigrationPlugins> {
  const settings = settingsOf(migration);
  const shadow = options.shadowMode === true || settings.shadowMode === true;
  const embedder = (model: string) =>
    resolveEmbedder({ model, shadow, env: io.env, importer: io.importer, cwd: io.cwd });
  const embedderA = await embedder(migration.fromModel);
  const embedderB = await embedder(migration.toModel);
  checkUsable(settings.fromSinkUri, 'SINK_A');
  checkUsable(settings.toSinkUri, 'SINK_B');
  const note = (message: string) => output.note(message);
  const sinkA = await createSinkFromUri(settings.fromSinkUri, io.importer, io.cwd, note);
  track.close(() => sinkA.close());
  const sinkB = await createSinkFromUri(settings.toSinkUri, io.importer, io.cwd, note);
  track.close(() => sinkB.close());
  if (open.sinks !== false) {
    for (const [sink, model] of [
      [sinkA, embedderA],
      [sinkB, embedderB],
    ] as const)
      await sink.open({
        dimensions: model.dimensions,
        distance: 'cosine',
        model: model.id,
        signal: io.signal,
      });
  }
  // Lazy: nothing is read until a step asks.
  const source = await createSource({
    target: parseTable(settings.table, io.cwd),
    ...(settings.spark ? { sparkRemote: settings.spark } : {}),
    importer: io.importer,
  });
  if (source.close) track.close(() => source.close?.());
  return { source, sinkA, sinkB, embedderA, embedderB };
}
