import type BetterSqlite3 from 'better-sqlite3';
import { LedgerError } from '@drift-spark/core';

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
  `
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
    sink_id TEXT NOT NULL,
    point_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    model TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    run_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (sink_id, point_id)
  );
  CREATE INDEX points_content ON points (sink_id, content_hash, fingerprint);
  CREATE INDEX points_source_key ON points (source_id, key);

  CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('upsert', 'delete', 'erase')),
    sink_id TEXT NOT NULL,
    point_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    key TEXT NOT NULL,
    content_hash TEXT,
    fingerprint TEXT,
    model TEXT,
    tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    run_id TEXT NOT NULL,
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
    run_id TEXT NOT NULL,
    sink_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    key TEXT NOT NULL,
    point_id TEXT NOT NULL,
    code TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX failures_run ON failures (run_id);

  CREATE TABLE locks (
    source_id TEXT NOT NULL,
    sink_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    pid INTEGER NOT NULL,
    hostname TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, sink_id)
  );
  `,
  // 2: provenance of a key whose point is gone (deleted or erased) reads the history by
  // key; failures listed per sink; cost over a time window reads the history by time.
  `
  CREATE INDEX history_source_key ON history (key, source_id);
  CREATE INDEX failures_sink ON failures (sink_id, id);
  `,
];

/** The schema version this package writes. */
export const ledgerSchemaVersion = ledgerMigrations.length;

/**
 * Brings `db` up to `target` (default: the latest) by applying the missing steps.
 * Refuses a database written by a newer version of this package.
 */
export function migrateLedger(db: BetterSqlite3.Database, target = ledgerSchemaVersion, path = 'the ledger'): number {
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
