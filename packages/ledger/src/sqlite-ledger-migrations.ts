import { LedgerError } from '@drift-spark/core';
import type {
  MigrationRecord,
  MigrationRunRole,
  MigrationSpend,
  MigrationStart,
  MigrationState,
  MigrationStep,
  MigrationStoreV1,
  MigrationUpdate,
} from '@drift-spark/core/internal';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';
import { scrubOptions } from './sqlite-ledger-options.js';

const columns =
  'id, source_id, from_sink_id, from_model, to_sink_id, to_model, alias_name, state, backfill_version, adapter_hash, adapter_path, eval_results, options, created_at, updated_at';

interface MigrationRow {
  id: string;
  source_id: string;
  from_sink_id: string;
  from_model: string;
  to_sink_id: string;
  to_model: string;
  alias_name: string | null;
  state: MigrationState;
  backfill_version: number | null;
  adapter_hash: string | null;
  adapter_path: string | null;
  eval_results: string | null;
  options: string;
  created_at: number;
  updated_at: number;
}

function toRecord(row: MigrationRow): MigrationRecord {
  return {
    id: row.id,
    sourceId: row.source_id,
    fromSinkId: row.from_sink_id,
    fromModel: row.from_model,
    toSinkId: row.to_sink_id,
    toModel: row.to_model,
    ...(row.alias_name === null ? {} : { aliasName: row.alias_name }),
    state: row.state,
    ...(row.backfill_version === null ? {} : { backfillVersion: row.backfill_version }),
    ...(row.adapter_hash === null ? {} : { adapterHash: row.adapter_hash }),
    ...(row.adapter_path === null ? {} : { adapterPath: row.adapter_path }),
    ...(row.eval_results === null ? {} : { evalResults: JSON.parse(row.eval_results) }),
    options: JSON.parse(row.options),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function prepare({ db }: SqliteConnection) {
  const statement = {
    insert: db.prepare(
      `INSERT INTO migrations (${columns}) VALUES (@id, @sourceId, @fromSinkId, @fromModel, @toSinkId, @toModel, @aliasName, 'planned', @backfillVersion, NULL, NULL, NULL, @options, @at, @at)`,
    ),
    get: db.prepare(`SELECT ${columns} FROM migrations WHERE id = ?`),
    list: db.prepare(
      `SELECT ${columns} FROM migrations WHERE (@source IS NULL OR source_id = @source)
         AND (@sink IS NULL OR from_sink_id = @sink OR to_sink_id = @sink) AND (@open = 0 OR state <> 'finished')
       ORDER BY created_at DESC, rowid DESC`,
    ),
    update: db.prepare(
      `UPDATE migrations SET state = COALESCE(@state, state), backfill_version = COALESCE(@backfillVersion, backfill_version),
         adapter_hash = COALESCE(@adapterHash, adapter_hash), adapter_path = COALESCE(@adapterPath, adapter_path),
         eval_results = COALESCE(@evalResults, eval_results), updated_at = @at WHERE id = @id`,
    ),
    insertStep: db.prepare(
      'INSERT INTO migration_steps (migration_id, state, at, note) VALUES (?, ?, ?, ?)',
    ),
    steps: db.prepare(
      'SELECT state, at, note FROM migration_steps WHERE migration_id = ? ORDER BY id',
    ),
    linkRun: db.prepare(
      'INSERT INTO migration_runs (migration_id, run_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    runs: db.prepare(
      'SELECT run_id AS runId, role FROM migration_runs WHERE migration_id = ? ORDER BY rowid',
    ),
    spend: db.prepare(
      'INSERT INTO spend (run, sink, source, model, tokens, cost_usd, embeddings, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };

  const get = (id: string): MigrationRecord | undefined => {
    const row = statement.get.get(id) as MigrationRow | undefined;
    return row ? toRecord(row) : undefined;
  };
  const mustGet = (id: string): MigrationRecord => {
    const found = get(id);
    if (!found)
      throw new LedgerError(
        `Migration ${id} is not in the ledger; list migrations with drift migrate status.`,
      );
    return found;
  };

  const create = db.transaction((migration: MigrationStart): MigrationRecord => {
    if (get(migration.id)) throw new LedgerError(`Migration ${migration.id} is already recorded.`);
    const at = migration.createdAt.getTime();
    statement.insert.run({
      id: migration.id,
      sourceId: migration.sourceId,
      fromSinkId: migration.fromSinkId,
      fromModel: migration.fromModel,
      toSinkId: migration.toSinkId,
      toModel: migration.toModel,
      aliasName: migration.aliasName ?? null,
      backfillVersion: migration.backfillVersion ?? null,
      options: JSON.stringify(scrubOptions(migration.options)),
      at,
    });
    statement.insertStep.run(migration.id, 'planned', at, null);
    return mustGet(migration.id);
  });

  const update = db.transaction(
    (id: string, change: MigrationUpdate, expect?: MigrationState[]): MigrationRecord => {
      const current = mustGet(id);
      if (expect && !expect.includes(current.state))
        throw new LedgerError(
          `Migration ${id} is ${current.state}, not ${expect.join(' or ')}; nothing was changed.`,
        );
      const at = Date.now();
      statement.update.run({
        id,
        state: change.state ?? null,
        backfillVersion: change.backfillVersion ?? null,
        adapterHash: change.adapterHash ?? null,
        adapterPath: change.adapterPath ?? null,
        evalResults: change.evalResults === undefined ? null : JSON.stringify(change.evalResults),
        at,
      });
      if (change.state !== undefined && change.state !== current.state)
        statement.insertStep.run(id, change.state, at, change.note ?? null);
      return mustGet(id);
    },
  );

  return { statement, get, mustGet, create, update };
}

/** The migrations between models (schema step 4): records, steps, linked runs and spend. */
export function sqliteMigrationStore(connection: LazyConnection): MigrationStoreV1 {
  const prepared = connection.statements(prepare);
  return {
    create: connection.method('record a migration', (migration: MigrationStart) =>
      prepared().create.immediate(migration),
    ),
    get: connection.method('read a migration', (id: string) => prepared().get(id)),
    list: connection.method(
      'list migrations',
      (query: { sourceId?: string; sinkId?: string; open?: boolean } = {}) =>
        (
          prepared().statement.list.all({
            source: query.sourceId ?? null,
            sink: query.sinkId ?? null,
            open: query.open ? 1 : 0,
          }) as MigrationRow[]
        ).map(toRecord),
    ),
    update: connection.method(
      'update a migration',
      (id: string, change: MigrationUpdate, expect?: MigrationState[]) =>
        prepared().update.immediate(id, change, expect),
    ),
    steps: connection.method('read the steps of a migration', (id: string): MigrationStep[] =>
      (
        prepared().statement.steps.all(id) as {
          state: MigrationState;
          at: number;
          note: string | null;
        }[]
      ).map((row) => ({
        state: row.state,
        at: new Date(row.at),
        ...(row.note === null ? {} : { note: row.note }),
      })),
    ),
    linkRun: connection.method(
      'link a run to a migration',
      (id: string, runId: string, role: MigrationRunRole) => {
        prepared().mustGet(id);
        prepared().statement.linkRun.run(id, runId, role);
      },
    ),
    runs: connection.method(
      'list the runs of a migration',
      (id: string) =>
        prepared().statement.runs.all(id) as { runId: string; role: MigrationRunRole }[],
    ),
    recordSpend: connection.method('record spend', (spend: MigrationSpend) => {
      const { names } = connection.get();
      names.ensure([spend.runId, spend.sinkId, spend.sourceId, spend.model]);
      prepared().statement.spend.run(
        names.id(spend.runId),
        names.id(spend.sinkId),
        names.id(spend.sourceId),
        names.id(spend.model),
        spend.tokens,
        spend.costUsd,
        spend.embeddings,
        spend.at.getTime(),
      );
    }),
  };
}
