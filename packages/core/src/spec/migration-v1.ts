/**
 * A migration moves an index from one embedding model to another without downtime:
 * SINK_A (model A) stays live while SINK_B (model B) is backfilled and kept in step,
 * then a stable name moves from A to B. The ledger records each one, optionally
 * (`LedgerV1.migrations`): a ledger without it cannot run `drift migrate`.
 */

/**
 * The lifecycle, in order. `rolled-back` may go to `cut-over` again; `finished` ends it
 * (SINK_A dropped, dual-write over).
 */
export type MigrationState =
  | 'planned'
  | 'backfilling'
  | 'backfilled'
  | 'cut-over'
  | 'rolled-back'
  | 'finished';

/** What a migration's run did. */
export type MigrationRunRole = 'backfill' | 'catch-up' | 'dual-write' | 'sampling';

export interface MigrationStart {
  id: string;
  sourceId: string;
  fromSinkId: string;
  fromModel: string;
  toSinkId: string;
  toModel: string;
  /** The stable name applications query (a view, a collection alias), if any. */
  aliasName?: string;
  /** The source version the backfill scans (pinned, so a resumed backfill reads the same rows). */
  backfillVersion?: number;
  /** The columns and flags of the migration (text column, key columns…); never credentials. */
  options: Record<string, unknown>;
  createdAt: Date;
}

export interface MigrationRecord extends MigrationStart {
  state: MigrationState;
  /** Hash of the adapter file fitted for this migration, and where it was written. */
  adapterHash?: string;
  adapterPath?: string;
  /** The last `drift migrate eval` (and `adapter eval`) results, as they were reported. */
  evalResults?: Record<string, unknown>;
  updatedAt: Date;
}

/** One recorded step: the state it moved to, when, and why. */
export interface MigrationStep {
  state: MigrationState;
  at: Date;
  note?: string;
}

export interface MigrationUpdate {
  state?: MigrationState;
  backfillVersion?: number;
  adapterHash?: string;
  adapterPath?: string;
  evalResults?: Record<string, unknown>;
  /** Recorded with the step (when `state` changes). */
  note?: string;
}

/** What was paid without writing a point (the adapter's paired samples), so cost reports include it. */
export interface MigrationSpend {
  runId: string;
  sinkId: string;
  sourceId: string;
  model: string;
  tokens: number;
  costUsd: number;
  /** Texts embedded. */
  embeddings: number;
  at: Date;
}

export interface MigrationStoreV1 {
  create(migration: MigrationStart): Promise<MigrationRecord>;
  get(id: string): Promise<MigrationRecord | undefined>;
  /**
   * Migrations, newest first. `sinkId` matches either end; `open` keeps those not
   * `finished`.
   */
  list(query?: { sourceId?: string; sinkId?: string; open?: boolean }): Promise<MigrationRecord[]>;
  /**
   * Changes a migration. With `expect`, refuses (`LedgerError`) unless the migration is
   * in one of those states, checked in the same transaction as the change.
   */
  update(id: string, update: MigrationUpdate, expect?: MigrationState[]): Promise<MigrationRecord>;
  steps(id: string): Promise<MigrationStep[]>;
  /** Links a run to the migration (the run itself is an ordinary ledger run). */
  linkRun(id: string, runId: string, role: MigrationRunRole): Promise<void>;
  runs(id: string): Promise<{ runId: string; role: MigrationRunRole }[]>;
  recordSpend(spend: MigrationSpend): Promise<void>;
}

export type MigrationStore = MigrationStoreV1;
