import { LedgerError } from '@drift-spark/core';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The ledger's schema as a list of forward migrations. `PRAGMA user_version` holds the
 * number of steps applied; opening a ledger applies the missing steps, each in its own
 * transaction. Never edit a released step: append a new one.
 *
 * Times are INTEGER milliseconds since the epoch. Nothing here holds raw text or
 * credentials: texts are represented by their SHA-256 only.
 */
export const ledgerMigrations: readonly string[] = [
  // 1: runs, live points, history, checkpoints, failures, locks.
  //
  // Names repeated on every row (sink, source, model, fingerprint, run ids) are stored
  // once in `names` and referenced by number, which keeps the per-point tables small
  // enough for the page cache; the `*_view` views show them spelled out.
  `
  CREATE TABLE names (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );

  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    source_id TEXT NOT NULL,
    sink_id TEXT NOT NULL,
    model TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    usd_per_million_tokens REAL NOT NULL,
    price_source TEXT NOT NULL,
    from_version INTEGER,
    to_version INTEGER,
    options TEXT,
    rows_processed INTEGER NOT NULL DEFAULT 0,
    rows_deduped INTEGER NOT NULL DEFAULT 0,
    rows_embedded INTEGER NOT NULL DEFAULT 0,
    rows_reused INTEGER NOT NULL DEFAULT 0,
    rows_skipped INTEGER NOT NULL DEFAULT 0,
    rows_failed INTEGER NOT NULL DEFAULT 0,
    rows_deleted INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    error TEXT,
    pid INTEGER,
    hostname TEXT
  );
  CREATE INDEX runs_sink_started ON runs (sink_id, started_at);

  CREATE TABLE points (
    sink INTEGER NOT NULL,
    point_id TEXT NOT NULL,
    source INTEGER NOT NULL,
    key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    fingerprint INTEGER NOT NULL,
    model INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    run INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (sink, point_id)
  ) WITHOUT ROWID;
  CREATE INDEX points_content ON points (sink, content_hash, fingerprint);
  CREATE INDEX points_source_key ON points (source, key);

  CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('upsert', 'delete', 'erase')),
    sink INTEGER NOT NULL,
    point_id TEXT NOT NULL,
    source INTEGER NOT NULL,
    key TEXT NOT NULL,
    content_hash TEXT,
    fingerprint INTEGER,
    model INTEGER,
    tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    run INTEGER NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT
  );
  CREATE INDEX history_point ON history (point_id);

  CREATE TABLE checkpoints (
    source_id TEXT NOT NULL,
    sink_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    version INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, sink_id, fingerprint)
  );

  CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL,
    sink INTEGER NOT NULL,
    source INTEGER NOT NULL,
    key TEXT NOT NULL,
    point_id TEXT NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX failures_run ON failures (run);

  CREATE TABLE locks (
    source_id TEXT NOT NULL,
    sink_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    pid INTEGER NOT NULL,
    hostname TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, sink_id)
  );

  CREATE VIEW points_view AS
    SELECT sink.name AS sink_id, point_id, source.name AS source_id, key, content_hash, fingerprint.name AS fingerprint,
      model.name AS model, tokens, cost_usd, run.name AS run_id, datetime(updated_at / 1000, 'unixepoch') AS updated_at
    FROM points JOIN names sink ON sink.id = points.sink JOIN names source ON source.id = points.source
      JOIN names fingerprint ON fingerprint.id = points.fingerprint JOIN names model ON model.id = points.model JOIN names run ON run.id = points.run;
  CREATE VIEW history_view AS
    SELECT history.id, action, sink.name AS sink_id, point_id, source.name AS source_id, key, content_hash, fingerprint.name AS fingerprint,
      model.name AS model, tokens, cost_usd, run.name AS run_id, datetime(at / 1000, 'unixepoch') AS at, reason
    FROM history JOIN names sink ON sink.id = history.sink JOIN names source ON source.id = history.source
      LEFT JOIN names fingerprint ON fingerprint.id = history.fingerprint LEFT JOIN names model ON model.id = history.model JOIN names run ON run.id = history.run;
  `,
  // 2: provenance of a key whose point is gone (deleted or erased) reads the history by
  // key; what one run wrote (an interrupted run's totals) reads it by run (rows of a run
  // are appended together, so this index grows at its end); failures listed per sink.
  `
  CREATE INDEX history_key ON history (key, source);
  CREATE INDEX history_run ON history (run);
  CREATE INDEX failures_sink ON failures (sink, id);
  `,
  // 3: a failure keeps the hash and length of the text that failed, never the text; a
  // reason recorded before could quote the input (a provider's message), so it is dropped.
  `
  ALTER TABLE failures ADD COLUMN content_hash TEXT;
  ALTER TABLE failures ADD COLUMN text_length INTEGER;
  UPDATE failures SET reason = code || ' (reason dropped: it could quote the input text)';
  `,
  // 4: erasure receipts (drift forget): per erased key, its digest, the sinks and the proof
  // that each no longer returns the point. No text, no content hash.
  `
  CREATE TABLE erasure_receipts (
    id INTEGER PRIMARY KEY,
    key_digest TEXT NOT NULL,
    source_id TEXT NOT NULL,
    point_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    receipt TEXT NOT NULL
  );
  CREATE INDEX erasure_receipts_key ON erasure_receipts (key_digest);
  `,
  // 5: migrations between embedding models (`drift migrate`): the migration, each step it
  // took, the runs it started, and what it paid without writing a point (the adapter's
  // paired samples), which cost reports add to the history's upserts.
  `
  CREATE TABLE migrations (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    from_sink_id TEXT NOT NULL,
    from_model TEXT NOT NULL,
    to_sink_id TEXT NOT NULL,
    to_model TEXT NOT NULL,
    alias_name TEXT,
    state TEXT NOT NULL CHECK (state IN ('planned', 'backfilling', 'backfilled', 'cut-over', 'rolled-back', 'finished')),
    backfill_version INTEGER,
    adapter_hash TEXT,
    adapter_path TEXT,
    eval_results TEXT,
    options TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX migrations_source ON migrations (source_id, created_at);

  CREATE TABLE migration_steps (
    id INTEGER PRIMARY KEY,
    migration_id TEXT NOT NULL REFERENCES migrations (id),
    state TEXT NOT NULL,
    at INTEGER NOT NULL,
    note TEXT
  );
  CREATE INDEX migration_steps_migration ON migration_steps (migration_id, id);

  CREATE TABLE migration_runs (
    migration_id TEXT NOT NULL REFERENCES migrations (id),
    run_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (migration_id, run_id)
  );

  CREATE TABLE spend (
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL,
    sink INTEGER NOT NULL,
    source INTEGER NOT NULL,
    model INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    embeddings INTEGER NOT NULL,
    at INTEGER NOT NULL
  );
  `,
  // 6: vectors of edited chunks (`keepRetiredVectors`), kept so a text that comes back
  // reuses its vector: by content hash to find them, by key for an erasure, by age (the
  // rowid) to drop the oldest past the bound.
  `
  CREATE TABLE retired_vectors (
    id INTEGER PRIMARY KEY,
    sink INTEGER NOT NULL,
    fingerprint INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    source INTEGER NOT NULL,
    key TEXT NOT NULL,
    vector BLOB NOT NULL,
    UNIQUE (sink, fingerprint, content_hash)
  );
  CREATE INDEX retired_vectors_key ON retired_vectors (sink, source, key);
  CREATE INDEX retired_vectors_sink ON retired_vectors (sink);
  `,
  // 7: what a batch is about to write to a sink (`notePendingWrite`), until its commit
  // settles it: the ledger batch as JSON (keys and content hashes, as `points` holds).
  `
  CREATE TABLE pending_writes (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    sink_id TEXT NOT NULL,
    batch TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX pending_writes_pair ON pending_writes (source_id, sink_id);
  `,
];

/** The schema version this package writes. */
export const ledgerSchemaVersion = ledgerMigrations.length;

/**
 * Brings `db` up to `target` (default: the latest) by applying the missing steps.
 * Refuses a database written by a newer version of this package.
 */
export function migrateLedger(
  db: BetterSqlite3.Database,
  target = ledgerSchemaVersion,
  path = 'the ledger',
): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > ledgerSchemaVersion) {
    throw new LedgerError(
      `${path} has schema version ${current}, newer than this @drift-spark/ledger knows (${ledgerSchemaVersion}). Upgrade @drift-spark/ledger (and the drift CLI), or point --ledger / DRIFT_LEDGER at another file.`,
    );
  }
  for (let step = current; step < target; step++) {
    const sql = ledgerMigrations[step]!;
    // IMMEDIATE: two processes opening an old ledger at once migrate it once.
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now !== step) return;
      db.exec(sql);
      db.pragma(`user_version = ${step + 1}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
