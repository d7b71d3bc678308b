import { type LedgerBatch, type LedgerV1, redactSecrets } from '@drift-spark/core';
import { validateLedgerBatch } from '@drift-spark/core/internal';
import type Database from 'better-sqlite3';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';
import type { LedgerNames } from './sqlite-ledger-names.js';

/** Removing a live point and appending to the history: shared by batches and erasures. */
export function preparePointWrites(db: Database.Database): {
  deletePoint: Database.Statement;
  insertHistory: Database.Statement;
} {
  return {
    deletePoint: db
      .prepare(
        'DELETE FROM points WHERE sink = ? AND point_id = ? RETURNING content_hash, fingerprint',
      )
      .raw(true),
    insertHistory: db.prepare(
      `INSERT INTO history (action, sink, point_id, source, key, content_hash, fingerprint, model, tokens, cost_usd, run, at, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

type Row = { sourceId: string; model?: string; fingerprint?: string };

/** Numbers for every name a batch mentions (committed before the batch's own transaction). */
function ensureNames(names: LedgerNames, batch: LedgerBatch): void {
  const seen = new Set<string>([batch.runId, batch.sinkId]);
  let last: Row | undefined;
  for (const row of [...batch.upserts, ...batch.deletes, ...batch.failures] as Row[]) {
    // Rows of a batch nearly always share source, model and fingerprint.
    if (
      last &&
      row.sourceId === last.sourceId &&
      row.model === last.model &&
      row.fingerprint === last.fingerprint
    )
      continue;
    last = row;
    seen.add(row.sourceId);
    if (row.model !== undefined) seen.add(row.model);
    if (row.fingerprint !== undefined) seen.add(row.fingerprint);
  }
  names.ensure(seen);
}

function prepareBatch({ db, names }: SqliteConnection) {
  const statement = {
    ...preparePointWrites(db),
    upsertPoint: db.prepare(
      `INSERT INTO points (sink, point_id, source, key, content_hash, fingerprint, model, tokens, cost_usd, run, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sink, point_id) DO UPDATE SET source = excluded.source, key = excluded.key, content_hash = excluded.content_hash,
         fingerprint = excluded.fingerprint, model = excluded.model, tokens = excluded.tokens, cost_usd = excluded.cost_usd,
         run = excluded.run, updated_at = excluded.updated_at`,
    ),
    settle: db.prepare('DELETE FROM pending_writes WHERE id = ?'),
    insertFailure: db.prepare(
      'INSERT INTO failures (run, sink, source, key, point_id, code, reason, at, content_hash, text_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  return db.transaction((batch: LedgerBatch) => {
    const at = batch.at.getTime();
    const run = names.id(batch.runId);
    const sink = names.id(batch.sinkId);
    // Deletes first, then upserts: a point deleted and written again in one batch stays.
    for (const gone of batch.deletes) {
      const removed = statement.deletePoint.get(sink, gone.pointId) as [string, number] | undefined;
      if (removed === undefined) continue;
      const [contentHash, fingerprint] = removed;
      const source = names.id(gone.sourceId);
      const values = [sink, gone.pointId, source, gone.key, contentHash, fingerprint, null, 0, 0];
      statement.insertHistory.run('delete', ...values, run, at, null);
    }
    for (const point of batch.upserts) {
      // names.id is a cached map lookup: rows of a batch share their source, model and fingerprint.
      const source = names.id(point.sourceId);
      const fingerprint = names.id(point.fingerprint);
      const model = names.id(point.model);
      const { pointId, key, contentHash, tokens, costUsd } = point;
      const values = [sink, pointId, source, key, contentHash, fingerprint, model, tokens, costUsd];
      statement.upsertPoint.run(...values, run, at);
      statement.insertHistory.run('upsert', ...values, run, at, null);
    }
    for (const failure of batch.failures) {
      statement.insertFailure.run(
        run,
        sink,
        names.id(failure.sourceId),
        failure.key,
        failure.pointId,
        failure.code,
        redactSecrets(failure.reason),
        at,
        failure.contentHash ?? null,
        failure.textLength ?? null,
      );
    }
    for (const id of batch.settles ?? []) statement.settle.run(id);
  });
}

/** The write path of a run: one batch, one transaction, checked before anything is written. */
export function sqliteBatch(connection: LazyConnection): Pick<LedgerV1, 'commitBatch'> {
  const commit = connection.statements(prepareBatch);
  return {
    commitBatch: connection.method('commit a batch', (batch: LedgerBatch) => {
      validateLedgerBatch(batch);
      ensureNames(connection.get().names, batch);
      commit().immediate(batch);
    }),
  };
}
