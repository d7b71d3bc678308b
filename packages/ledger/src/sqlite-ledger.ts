import { hostname as osHostname } from 'node:os';
import {
  type Checkpoint,
  type CheckpointRef,
  type CostQuery,
  type CostRow,
  type FailureRecord,
  type LedgerBatch,
  LedgerError,
  type LedgerV1,
  type LivePoint,
  PluginStateError,
  type Provenance,
  type ProvenanceQuery,
  type RunFinish,
  type RunRecord,
  type RunStart,
  redactSecrets,
} from '@drift-spark/core';
import { type MigrationStoreV1, validateLedgerBatch } from '@drift-spark/core/internal';
import Database from 'better-sqlite3';
import { isLockStale, isProcessAlive, type LockHolder, lockedError } from './sqlite-ledger-lock.js';
import { maintenanceQueries } from './sqlite-ledger-maintenance.js';
import { sqliteMigrationQueries } from './sqlite-ledger-migrations.js';
import { LedgerNames } from './sqlite-ledger-names.js';
import { scrubOptions } from './sqlite-ledger-options.js';
import { ensureLedgerDirectory, resolveLedgerPath } from './sqlite-ledger-path.js';
import {
  failureColumns,
  historyColumns,
  pointColumns,
  runColumns,
  toFailureRecord,
  toHistoryEntry,
  toLivePoint,
  toRunRecord,
} from './sqlite-ledger-rows.js';
import { migrateLedger } from './sqlite-ledger-schema.js';

export interface SqliteLedgerOptions {
  /**
   * The ledger file. Default: `DRIFT_LEDGER`, else `~/.drift/ledger.db` (read at first
   * use; the directory is created). `:memory:` gives a private in-memory ledger.
   */
  path?: string;
  /** How long to wait for another process's write transaction, in ms. Default 10 000. */
  busyTimeoutMs?: number;
  /** SQLite page cache, in MiB. Default 64. */
  cacheSizeMiB?: number;
}

/** The SQLite ledger: one file, safe to open from several processes at once. */
export type SqliteLedger = LedgerV1 & { readonly migrations: MigrationStoreV1 };

const defaultRecentRuns = 20;

/**
 * Creates the SQLite ledger. Lazy: nothing is read or opened until the first call.
 */
export function createSqliteLedger(options: SqliteLedgerOptions = {}): SqliteLedger {
  let state: Open | undefined;
  let closed = false;

  const open = (): Open => {
    if (closed)
      throw new PluginStateError(
        'This SQLite ledger is closed; create a new one with createSqliteLedger().',
      );
    state ??= openLedger(options);
    return state;
  };

  return {
    specificationVersion: 'v1',
    async startRun(run) {
      open().startRun(run);
    },
    async finishRun(runId, finish) {
      open().finishRun(runId, finish);
    },
    async getPoints(sinkId, pointIds) {
      return open().getPoints(sinkId, pointIds);
    },
    async findByContentHash(sinkId, fingerprint, contentHashes) {
      return open().findByContentHash(sinkId, fingerprint, contentHashes);
    },
    async commitBatch(batch) {
      open().commitBatch(batch);
    },
    async getCheckpoint(ref) {
      return open().getCheckpoint(ref);
    },
    async setCheckpoint(checkpoint) {
      open().setCheckpoint(checkpoint);
    },
    async recordErasure(entries) {
      open().recordErasure(entries);
    },
    async cost(query) {
      return open().cost(query);
    },
    async provenance(query) {
      return open().provenance(query);
    },
    async recentRuns(query = {}) {
      return open().recentRuns(query);
    },
    async getRun(runId) {
      return open().getRun(runId);
    },
    async failures(query) {
      return open().failures(query);
    },
    async countPoints(sinkId) {
      return open().countPoints(sinkId);
    },
    async checkIntegrity() {
      open().checkIntegrity();
    },
    async livePoints(query) {
      return open().maintenance.livePoints(query);
    },
    async sinksOfSource(sourceId) {
      return open().maintenance.sinksOfSource(sourceId);
    },
    async erasedPoints(pointIds) {
      return open().maintenance.erasedPoints(pointIds);
    },
    async saveErasureReceipt(receipt) {
      open().maintenance.saveErasureReceipt(receipt);
    },
    async erasureReceipts(keyDigest) {
      return open().maintenance.erasureReceipts(keyDigest);
    },
    migrations: {
      create: async (migration) => open().migrations.create(migration),
      get: async (id) => open().migrations.get(id),
      list: async (query) => open().migrations.list(query),
      update: async (id, change, expect) => open().migrations.update(id, change, expect),
      steps: async (id) => open().migrations.steps(id),
      linkRun: async (id, runId, role) => open().migrations.linkRun(id, runId, role),
      runs: async (id) => open().migrations.runs(id),
      recordSpend: async (spend) => open().migrations.recordSpend(spend),
    },
    async close() {
      if (closed) return;
      closed = true;
      const db = state?.db;
      state = undefined;
      if (!db) return;
      try {
        // Keeps the query planner's statistics fresh (bounded by analysis_limit).
        db.pragma('optimize');
      } catch {
        // Statistics are an optimisation: a busy or read-only file must not fail close().
      }
      db.close();
    },
  };
}

type Open = ReturnType<typeof openLedger>;

function openLedger(options: SqliteLedgerOptions) {
  const path = resolveLedgerPath(options.path);
  const hostname = osHostname();
  let db: Database.Database;
  try {
    ensureLedgerDirectory(path);
    db = new Database(path);
  } catch (error) {
    throw new LedgerError(
      `Could not open the Drift ledger at ${path}: ${(error as Error).message}. Check the path (--ledger / DRIFT_LEDGER) and its permissions.`,
      { cause: error },
    );
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = ${-1024 * (options.cacheSizeMiB ?? 64)}`);
    db.pragma('temp_store = MEMORY');
    // After a checkpoint, shrink a write-ahead log that a big batch grew.
    db.pragma('journal_size_limit = 67108864');
    db.pragma('analysis_limit = 1000');
    migrateLedger(db, undefined, path);
  } catch (error) {
    db.close();
    if (error instanceof LedgerError) throw error;
    throw new LedgerError(
      `Could not prepare the Drift ledger at ${path}: ${(error as Error).message}.`,
      { cause: error },
    );
  }

  const names = new LedgerNames(db);
  const qualifiedPointColumns = pointColumns
    .split(', ')
    .map((column) => `points.${column}`)
    .join(', ');
  const raw = (sql: string) => db.prepare(sql).raw(true);
  // Sums of what an interrupted run recorded, so that its record keeps what it paid.
  const historyOfRun = (what: string) =>
    `(SELECT ${what} FROM history WHERE run = (SELECT id FROM names WHERE name = runs.id)`;
  const statement = {
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
    upsertPoint: db.prepare(
      `INSERT INTO points (sink, point_id, source, key, content_hash, fingerprint, model, tokens, cost_usd, run, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sink, point_id) DO UPDATE SET source = excluded.source, key = excluded.key, content_hash = excluded.content_hash,
         fingerprint = excluded.fingerprint, model = excluded.model, tokens = excluded.tokens, cost_usd = excluded.cost_usd,
         run = excluded.run, updated_at = excluded.updated_at`,
    ),
    deletePoint: raw(
      'DELETE FROM points WHERE sink = ? AND point_id = ? RETURNING content_hash, fingerprint',
    ),
    insertHistory: db.prepare(
      `INSERT INTO history (action, sink, point_id, source, key, content_hash, fingerprint, model, tokens, cost_usd, run, at, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    forgetHashes: db.prepare(
      'UPDATE history SET content_hash = NULL WHERE point_id = ? AND sink = ? AND content_hash IS NOT NULL',
    ),
    forgetFailures: db.prepare('DELETE FROM failures WHERE point_id = ? AND sink = ?'),
    insertFailure: db.prepare(
      'INSERT INTO failures (run, sink, source, key, point_id, code, reason, at, content_hash, text_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    // One statement per batch, whatever its size: the ids travel as one JSON array
    // (no 999-parameter limit), and CROSS JOIN keeps SQLite from scanning the table.
    getPoints: raw(
      `SELECT ${qualifiedPointColumns} FROM json_each(?) AS wanted CROSS JOIN points WHERE points.sink = ? AND points.point_id = wanted.value`,
    ),
    getPoint: raw(`SELECT ${pointColumns} FROM points WHERE sink = ? AND point_id = ?`),
    findByContentHash: raw(
      `SELECT ${qualifiedPointColumns} FROM json_each(@hashes) AS wanted CROSS JOIN points WHERE points.sink = @sink AND points.point_id =
         (SELECT point_id FROM points WHERE sink = @sink AND content_hash = wanted.value AND fingerprint = @fingerprint LIMIT 1)`,
    ),
    getCheckpoint: db.prepare(
      'SELECT version, run_id AS runId, updated_at AS updatedAt FROM checkpoints WHERE source_id = ? AND sink_id = ? AND fingerprint = ?',
    ),
    setCheckpoint: db.prepare(
      `INSERT INTO checkpoints (source_id, sink_id, fingerprint, version, run_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, sink_id, fingerprint) DO UPDATE SET version = excluded.version, run_id = excluded.run_id, updated_at = excluded.updated_at`,
    ),
    historyOfPoint: raw(
      `SELECT ${historyColumns} FROM history WHERE point_id = ? AND sink = ? ORDER BY id`,
    ),
    sinksOfPoint: db
      .prepare('SELECT sink FROM history WHERE point_id = ? GROUP BY sink ORDER BY MIN(id)')
      .pluck(),
    pointsOfKey: raw(
      `SELECT sink, point_id FROM history WHERE key = @key AND (@source IS NULL OR source = @source) AND (@sink IS NULL OR sink = @sink)
       GROUP BY sink, point_id ORDER BY MIN(id)`,
    ),
    recentRuns: raw(`SELECT ${runColumns} FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?`),
    recentRunsOfSink: raw(
      `SELECT ${runColumns} FROM runs WHERE sink_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
    ),
    failures: raw(
      `SELECT ${failureColumns} FROM failures WHERE (@run IS NULL OR run = @run) AND (@sink IS NULL OR sink = @sink) ORDER BY id LIMIT @limit`,
    ),
    countPoints: db.prepare('SELECT COUNT(*) FROM points WHERE sink = ?').pluck(),
  };

  const costStatements = new Map<string, Database.Statement>();
  const costColumn = { model: 'model', sink: 'sink', source: 'source', run: 'run' } as const;

  const wrap =
    <Args extends unknown[], Result>(what: string, fn: (...args: Args) => Result) =>
    (...args: Args): Result => {
      try {
        return fn(...args);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('SQLITE_')) {
          const busy = code.startsWith('SQLITE_BUSY');
          throw new LedgerError(
            busy
              ? `The Drift ledger at ${path} stayed busy (another process is writing) while trying to ${what}. Try again; if it persists, check for a stuck drift process.`
              : `The Drift ledger at ${path} failed to ${what}: ${(error as Error).message}.`,
            { cause: error, isRetryable: busy },
          );
        }
        throw error;
      }
    };

  const startRun = db.transaction((run: RunStart) => {
    if (statement.runStatus.get(run.runId) !== undefined) {
      throw new LedgerError(`Run ${run.runId} is already in the ledger; each run needs a new id.`);
    }
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

  /** Numbers for every name a batch mentions (committed before the batch's own transaction). */
  const ensureNames = (
    runId: string,
    sinkId: string,
    rows: Iterable<{ sourceId: string; model?: string; fingerprint?: string }>,
  ) => {
    const seen = new Set<string>([runId, sinkId]);
    let last: { sourceId: string; model?: string; fingerprint?: string } | undefined;
    for (const row of rows) {
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
  };

  const commitBatch = db.transaction((batch: LedgerBatch) => {
    const at = batch.at.getTime();
    const run = names.id(batch.runId);
    const sink = names.id(batch.sinkId);
    // Deletes first, then upserts: a point deleted and written again in one batch stays.
    for (const gone of batch.deletes) {
      const removed = statement.deletePoint.get(sink, gone.pointId) as [string, number] | undefined;
      if (removed === undefined) continue;
      statement.insertHistory.run(
        'delete',
        sink,
        gone.pointId,
        names.id(gone.sourceId),
        gone.key,
        removed[0],
        removed[1],
        null,
        0,
        0,
        run,
        at,
        null,
      );
    }
    let sourceName: string | undefined;
    let source = 0;
    let fingerprintName: string | undefined;
    let fingerprint = 0;
    let modelName: string | undefined;
    let model = 0;
    for (const point of batch.upserts) {
      if (point.sourceId !== sourceName) {
        sourceName = point.sourceId;
        source = names.id(sourceName);
      }
      if (point.fingerprint !== fingerprintName) {
        fingerprintName = point.fingerprint;
        fingerprint = names.id(fingerprintName);
      }
      if (point.model !== modelName) {
        modelName = point.model;
        model = names.id(modelName);
      }
      statement.upsertPoint.run(
        sink,
        point.pointId,
        source,
        point.key,
        point.contentHash,
        fingerprint,
        model,
        point.tokens,
        point.costUsd,
        run,
        at,
      );
      statement.insertHistory.run(
        'upsert',
        sink,
        point.pointId,
        source,
        point.key,
        point.contentHash,
        fingerprint,
        model,
        point.tokens,
        point.costUsd,
        run,
        at,
        null,
      );
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
  });

  type ErasureEntries = Parameters<LedgerV1['recordErasure']>[0];
  const recordErasure = db.transaction((entries: ErasureEntries) => {
    const at = Date.now();
    for (const entry of entries) {
      const sink = names.id(entry.sinkId);
      const removed = statement.deletePoint.get(sink, entry.pointId) as
        | [string, number]
        | undefined;
      // The hash of a short text (a name, an e-mail) can be guessed back, and a provider's
      // rejection reason may quote the input: an erased point keeps its history of
      // actions, not the hashes of what it held nor its failure records.
      statement.forgetHashes.run(entry.pointId, sink);
      statement.forgetFailures.run(entry.pointId, sink);
      statement.insertHistory.run(
        'erase',
        sink,
        entry.pointId,
        names.id(entry.sourceId),
        entry.key,
        null,
        removed?.[1] ?? null,
        null,
        0,
        0,
        names.id(entry.runId),
        at,
        entry.reason ?? null,
      );
    }
  });

  // A run still `running` says whether its process is: a killed run is not cleaned up
  // before the next run on its (source, sink), and readers should not take it for live.
  const toRun = (row: unknown[]): RunRecord => {
    const run = toRunRecord(row);
    if (run.status === 'running' && run.process?.hostname === hostname)
      run.process.alive = isProcessAlive(run.process.pid);
    return run;
  };
  const getRun = (runId: string): RunRecord | undefined => {
    const row = statement.getRun.get(runId) as unknown[] | undefined;
    return row ? toRun(row) : undefined;
  };

  const maintenance = maintenanceQueries(db, names);
  const migrations = sqliteMigrationQueries(db, names);
  return {
    db,
    maintenance: {
      livePoints: wrap('read live points', maintenance.livePoints),
      sinksOfSource: wrap('list the sinks of a source', maintenance.sinksOfSource),
      erasedPoints: wrap('read erased points', maintenance.erasedPoints),
      saveErasureReceipt: wrap('record an erasure receipt', maintenance.saveErasureReceipt),
      erasureReceipts: wrap('read erasure receipts', maintenance.erasureReceipts),
    },
    migrations: {
      create: wrap('record a migration', migrations.create),
      get: wrap('read a migration', migrations.get),
      list: wrap('list migrations', migrations.list),
      update: wrap('update a migration', migrations.update),
      steps: wrap('read the steps of a migration', migrations.steps),
      linkRun: wrap('link a run to a migration', migrations.linkRun),
      runs: wrap('list the runs of a migration', migrations.runs),
      recordSpend: wrap('record spend', migrations.recordSpend),
    },
    startRun: wrap('start a run', (run: RunStart) => startRun.immediate(run)),
    finishRun: wrap('finish a run', (runId: string, finish: RunFinish) =>
      finishRun.immediate(runId, finish),
    ),
    commitBatch: wrap('commit a batch', (batch: LedgerBatch) => {
      validateLedgerBatch(batch);
      ensureNames(batch.runId, batch.sinkId, [
        ...batch.upserts,
        ...batch.deletes,
        ...batch.failures,
      ]);
      commitBatch.immediate(batch);
    }),
    recordErasure: wrap('record an erasure', (entries: ErasureEntries) => {
      if (entries.length === 0) return;
      names.ensure(entries.flatMap((entry) => [entry.sinkId, entry.sourceId, entry.runId]));
      // Overwrite the erased bytes instead of leaving them in free pages, then fold the
      // write-ahead log back into the file so its old page images go too (best effort:
      // a reader in another process can keep the log alive until it finishes).
      const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
      db.pragma('secure_delete = ON');
      try {
        recordErasure.immediate(entries);
      } finally {
        db.pragma(`secure_delete = ${secureDelete}`);
      }
      // secure_delete covers what this transaction frees, not copies of erased rows that
      // earlier page splits left in the unused space of pages: VACUUM rewrites every page.
      try {
        db.exec('VACUUM');
      } catch {
        // Another process holds a read transaction: the checkpoint below still runs.
      }
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // Busy: the next checkpoint does it.
      }
    }),
    getPoints: wrap('read points', (sinkId: string, pointIds: string[]): Map<string, LivePoint> => {
      const found = new Map<string, LivePoint>();
      const sink = names.find(sinkId);
      if (pointIds.length === 0 || sink === undefined) return found;
      for (const row of statement.getPoints.all(JSON.stringify(pointIds), sink) as unknown[][]) {
        found.set(row[1] as string, toLivePoint(row, names));
      }
      return found;
    }),
    findByContentHash: wrap(
      'read points by content hash',
      (sinkId: string, fingerprint: string, contentHashes: string[]): Map<string, LivePoint> => {
        const found = new Map<string, LivePoint>();
        const sink = names.find(sinkId);
        const print = names.find(fingerprint);
        if (contentHashes.length === 0 || sink === undefined || print === undefined) return found;
        const distinct = [...new Set(contentHashes)];
        for (const row of statement.findByContentHash.all({
          hashes: JSON.stringify(distinct),
          sink,
          fingerprint: print,
        }) as unknown[][]) {
          found.set(row[4] as string, toLivePoint(row, names));
        }
        return found;
      },
    ),
    getCheckpoint: wrap('read a checkpoint', (ref: CheckpointRef): Checkpoint | undefined => {
      const row = statement.getCheckpoint.get(ref.sourceId, ref.sinkId, ref.fingerprint) as
        | { version: number; runId: string; updatedAt: number }
        | undefined;
      if (!row) return undefined;
      return {
        sourceId: ref.sourceId,
        sinkId: ref.sinkId,
        fingerprint: ref.fingerprint,
        version: row.version,
        runId: row.runId,
        updatedAt: new Date(row.updatedAt),
      };
    }),
    setCheckpoint: wrap('write a checkpoint', (checkpoint: Omit<Checkpoint, 'updatedAt'>) => {
      statement.setCheckpoint.run(
        checkpoint.sourceId,
        checkpoint.sinkId,
        checkpoint.fingerprint,
        checkpoint.version,
        checkpoint.runId,
        Date.now(),
      );
    }),
    cost: wrap('sum costs', (query: CostQuery): CostRow[] => {
      const column = costColumn[query.by];
      if (column === undefined)
        throw new LedgerError(
          `Cannot group cost by "${String(query.by)}"; use model, sink, source or run.`,
        );
      const cacheKey = `${column}:${query.since ? 1 : 0}:${query.until ? 1 : 0}`;
      let cost = costStatements.get(cacheKey);
      if (!cost) {
        // Every upsert in the history, so an embedding paid for and later overwritten still
        // counts, plus what was paid without a point (a migration's adapter samples).
        const range = `${query.since ? ' AND at >= @since' : ''}${query.until ? ' AND at <= @until' : ''}`;
        cost = raw(
          `SELECT ${column}, SUM(tokens), SUM(cost_usd), SUM(embeddings), COUNT(DISTINCT run) FROM (
             SELECT ${column}, run, tokens, cost_usd, tokens > 0 AS embeddings FROM history WHERE action = 'upsert'${range}
             UNION ALL SELECT ${column}, run, tokens, cost_usd, embeddings FROM spend WHERE 1${range})
           GROUP BY ${column}`,
        );
        costStatements.set(cacheKey, cost);
      }
      const parameters: Record<string, number> = {};
      if (query.since) parameters.since = query.since.getTime();
      if (query.until) parameters.until = query.until.getTime();
      return (cost.all(parameters) as unknown[][])
        .map((row) => ({
          group: names.name(row[0] as number),
          tokens: row[1] as number,
          costUsd: row[2] as number,
          embeddings: row[3] as number,
          runs: row[4] as number,
        }))
        .sort(
          (a, b) => b.costUsd - a.costUsd || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
        );
    }),
    provenance: wrap('read provenance', (query: ProvenanceQuery): Provenance[] => {
      let pairs: [number, string][];
      if ('pointId' in query) {
        pairs = (statement.sinksOfPoint.all(query.pointId) as number[]).map((sink) => [
          sink,
          query.pointId,
        ]);
      } else {
        const source = query.sourceId === undefined ? null : names.find(query.sourceId);
        const sink = query.sinkId === undefined ? null : names.find(query.sinkId);
        if (source === undefined || sink === undefined) return [];
        pairs = statement.pointsOfKey.all({ key: query.key, source, sink }) as [number, string][];
      }
      return pairs.map(([sink, pointId]) => {
        const row = statement.getPoint.get(sink, pointId) as unknown[] | undefined;
        const history = (statement.historyOfPoint.all(pointId, sink) as unknown[][]).map((entry) =>
          toHistoryEntry(entry, names),
        );
        const provenance: Provenance = { history };
        if (row) {
          provenance.point = toLivePoint(row, names);
          const run = getRun(provenance.point.runId);
          if (run) provenance.run = run;
        }
        return provenance;
      });
    }),
    recentRuns: wrap('list runs', (query: { sinkId?: string; limit?: number }): RunRecord[] => {
      const limit = Math.max(0, query.limit ?? defaultRecentRuns);
      const rows = (
        query.sinkId === undefined
          ? statement.recentRuns.all(limit)
          : statement.recentRunsOfSink.all(query.sinkId, limit)
      ) as unknown[][];
      return rows.map(toRun);
    }),
    getRun: wrap('read a run', getRun),
    failures: wrap(
      'list failures',
      (query: { runId?: string; sinkId?: string; limit?: number }): FailureRecord[] => {
        const run = query.runId === undefined ? null : names.find(query.runId);
        const sink = query.sinkId === undefined ? null : names.find(query.sinkId);
        if (run === undefined || sink === undefined) return [];
        const limit = query.limit === undefined ? -1 : Math.max(0, query.limit);
        return (statement.failures.all({ run, sink, limit }) as unknown[][]).map((row) =>
          toFailureRecord(row, names),
        );
      },
    ),
    countPoints: wrap('count points', (sinkId: string) => {
      const sink = names.find(sinkId);
      return sink === undefined ? 0 : (statement.countPoints.get(sink) as number);
    }),
    checkIntegrity: wrap('check its integrity', () => {
      // quick_check reads every page (not the index/table cross-checks of integrity_check).
      const problems = db.pragma('quick_check(3)', { simple: false }) as { quick_check: string }[];
      // SQLite starts its reports with "*** in database main ***": keep what follows.
      const first = (problems[0]?.quick_check ?? 'no answer').replace(/^\*\*\*.*?\*\*\*\s*/, '');
      if (first !== 'ok')
        throw new LedgerError(
          `The Drift ledger at ${path} is damaged (${first.replace(/\s+/g, ' ')}): restore it from a backup, or point --ledger / DRIFT_LEDGER at a new file and run drift embed again.`,
        );
    }),
  };
}
