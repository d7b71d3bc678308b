import type { LedgerReportsV1 } from '@drift-spark/core';
import {
  LedgerError,
  type LedgerV1,
  type RunFinish,
  type RunRecord,
  type RunStart,
  redactSecrets,
} from '@drift-spark/core';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';
import { isLockStale, isProcessAlive, type LockHolder, lockedError } from './sqlite-ledger-lock.js';
import { scrubOptions } from './sqlite-ledger-options.js';
import { runColumns, toRunRecord } from './sqlite-ledger-rows.js';

const defaultRecentRuns = 20;

function prepare({ db }: SqliteConnection) {
  const raw = (sql: string) => db.prepare(sql).raw(true);
  // Sums of what an interrupted run recorded, so that its record keeps what it paid.
  const historyOfRun = (what: string) =>
    `(SELECT ${what} FROM history WHERE run = (SELECT id FROM names WHERE name = runs.id)`;
  return {
    insertRun: db.prepare(
      `INSERT INTO runs (id, kind, status, source_id, sink_id, model, fingerprint, usd_per_million_tokens, price_source, from_version, to_version, options, started_at, pid, hostname)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    runStatus: db.prepare('SELECT status FROM runs WHERE id = ?').pluck(),
    getRun: raw(`SELECT ${runColumns} FROM runs WHERE id = ?`),
    finishRun: db.prepare(
      `UPDATE runs SET status = ?, rows_processed = ?, rows_deduped = ?, rows_embedded = ?, rows_reused = ?, rows_skipped = ?, rows_failed = ?, rows_deleted = ?,
         tokens = ?, cost_usd = ?, finished_at = ?, error = ? WHERE id = ?`,
    ),
    interruptRun: db.prepare(
      `UPDATE runs SET status = 'failed', finished_at = ?, error = 'interrupted',
         tokens = ${historyOfRun('COALESCE(SUM(tokens), 0)')} AND action = 'upsert'),
         cost_usd = ${historyOfRun('COALESCE(SUM(cost_usd), 0)')} AND action = 'upsert'),
         rows_embedded = ${historyOfRun('COUNT(*)')} AND action = 'upsert' AND tokens > 0),
         rows_deleted = ${historyOfRun('COUNT(*)')} AND action = 'delete')
       WHERE id = ? AND status = 'running'`,
    ),
    getLock: db.prepare(
      'SELECT source_id AS sourceId, sink_id AS sinkId, run_id AS runId, pid, hostname, acquired_at AS acquiredAt FROM locks WHERE source_id = ? AND sink_id = ?',
    ),
    insertLock: db.prepare(
      'INSERT INTO locks (source_id, sink_id, run_id, pid, hostname, acquired_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    deleteLock: db.prepare('DELETE FROM locks WHERE source_id = ? AND sink_id = ?'),
    releaseLocks: db.prepare('DELETE FROM locks WHERE run_id = ?'),
    recentRuns: raw(`SELECT ${runColumns} FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?`),
    recentRunsOfSink: raw(
      `SELECT ${runColumns} FROM runs WHERE sink_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
    ),
  };
}

/**
 * A run record as read: a run still `running` says whether its process is (a killed run
 * is not cleaned up before the next run on its pair, and readers should not take it for live).
 */
export function readRun(row: unknown[], hostname: string): RunRecord {
  const run = toRunRecord(row);
  if (run.status === 'running' && run.process?.hostname === hostname)
    run.process.alive = isProcessAlive(run.process.pid);
  return run;
}

/** Runs and the (source, sink) lock, taken in the same transaction as the run's record. */
export function sqliteRuns(
  connection: LazyConnection,
): Pick<LedgerV1, 'startRun' | 'finishRun' | 'recentRuns'> & Pick<LedgerReportsV1, 'getRun'> {
  const statements = connection.statements((open) => {
    const statement = prepare(open);
    const { db, hostname } = open;
    const startRun = db.transaction((run: RunStart) => {
      if (statement.runStatus.get(run.runId) !== undefined)
        throw new LedgerError(
          `Run ${run.runId} is already in the ledger; each run needs a new id.`,
        );
      const holder = statement.getLock.get(run.sourceId, run.sinkId) as LockHolder | undefined;
      const now = Date.now();
      if (holder) {
        const holderStatus = statement.runStatus.get(holder.runId) as string | undefined;
        if (!isLockStale(holder, hostname, holderStatus)) throw lockedError(holder, hostname);
        statement.interruptRun.run(now, holder.runId);
        statement.deleteLock.run(run.sourceId, run.sinkId);
      }
      statement.insertRun.run(
        run.runId,
        run.kind,
        run.sourceId,
        run.sinkId,
        run.model,
        run.fingerprint,
        run.usdPerMillionTokens,
        run.priceSource,
        run.fromVersion ?? null,
        run.toVersion ?? null,
        run.options === undefined ? null : JSON.stringify(scrubOptions(run.options)),
        run.startedAt.getTime(),
        process.pid,
        hostname,
      );
      statement.insertLock.run(run.sourceId, run.sinkId, run.runId, process.pid, hostname, now);
    });
    const finishRun = db.transaction((runId: string, finish: RunFinish) => {
      const c = finish.counters;
      const changed = statement.finishRun.run(
        finish.status,
        c.rowsProcessed,
        c.rowsDeduped,
        c.rowsEmbedded,
        c.rowsReused,
        c.rowsSkipped,
        c.rowsFailed,
        c.rowsDeleted,
        c.tokens,
        c.costUsd,
        finish.finishedAt.getTime(),
        finish.error === undefined ? null : redactSecrets(finish.error),
        runId,
      ).changes;
      if (changed === 0)
        throw new LedgerError(
          `Run ${runId} is not in the ledger; start it with startRun() before finishing it.`,
        );
      statement.releaseLocks.run(runId);
    });
    return { ...statement, hostname, startRun, finishRun };
  });

  return {
    startRun: connection.method('start a run', (run: RunStart) => {
      statements().startRun.immediate(run);
    }),
    finishRun: connection.method('finish a run', (runId: string, finish: RunFinish) => {
      statements().finishRun.immediate(runId, finish);
    }),
    recentRuns: connection.method(
      'list runs',
      (query: { sinkId?: string; limit?: number } = {}): RunRecord[] => {
        const statement = statements();
        const limit = Math.max(0, query.limit ?? defaultRecentRuns);
        const rows = (
          query.sinkId === undefined
            ? statement.recentRuns.all(limit)
            : statement.recentRunsOfSink.all(query.sinkId, limit)
        ) as unknown[][];
        return rows.map((row) => readRun(row, statement.hostname));
      },
    ),
    getRun: connection.method('read a run', (runId: string): RunRecord | undefined => {
      const statement = statements();
      const row = statement.getRun.get(runId) as unknown[] | undefined;
      return row ? readRun(row, statement.hostname) : undefined;
    }),
  };
}
