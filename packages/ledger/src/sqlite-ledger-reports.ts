import type { LedgerReportsV1 } from '@drift-spark/core';
import {
  type CostQuery,
  type CostRow,
  type FailureRecord,
  LedgerError,
  type Provenance,
  type ProvenanceQuery,
} from '@drift-spark/core';
import type Database from 'better-sqlite3';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';
import {
  failureColumns,
  historyColumns,
  pointColumns,
  runColumns,
  toFailureRecord,
  toHistoryEntry,
  toLivePoint,
} from './sqlite-ledger-rows.js';
import { readRun } from './sqlite-ledger-runs.js';

const costColumn = { model: 'model', sink: 'sink', source: 'source', run: 'run' } as const;

function prepare({ db }: SqliteConnection) {
  const raw = (sql: string) => db.prepare(sql).raw(true);
  return {
    getRun: raw(`SELECT ${runColumns} FROM runs WHERE id = ?`),
    getPoint: raw(`SELECT ${pointColumns} FROM points WHERE sink = ? AND point_id = ?`),
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
    failures: raw(
      `SELECT ${failureColumns} FROM failures WHERE (@run IS NULL OR run = @run) AND (@sink IS NULL OR sink = @sink) ORDER BY id LIMIT @limit`,
    ),
    /** One cost statement per dimension and date range, prepared when first asked for. */
    cost: new Map<string, Database.Statement>(),
    raw,
  };
}

/** The SQL of a cost query: paid upserts of the history plus spend recorded without a point. */
function costSql(column: string, query: CostQuery): string {
  const range = `${query.since ? ' AND at >= @since' : ''}${query.until ? ' AND at <= @until' : ''}`;
  // Every upsert in the history, so an embedding paid for and later overwritten still
  // counts, plus what was paid without a point (a migration's adapter samples).
  return `SELECT ${column}, SUM(tokens), SUM(cost_usd), SUM(embeddings), COUNT(DISTINCT run) FROM (
             SELECT ${column}, run, tokens, cost_usd, tokens > 0 AS embeddings FROM history WHERE action = 'upsert'${range}
             UNION ALL SELECT ${column}, run, tokens, cost_usd, embeddings FROM spend WHERE 1${range})
           GROUP BY ${column}`;
}

/** The reporting queries of the CLI: cost, provenance, failures, run by id, integrity. */
export function sqliteReports(
  connection: LazyConnection,
): Required<Omit<LedgerReportsV1, 'getRun' | 'erasureReceipts'>> {
  const statements = connection.statements(prepare);
  const names = () => connection.get().names;
  return {
    cost: connection.method('sum costs', (query: CostQuery): CostRow[] => {
      const column = costColumn[query.by];
      if (column === undefined)
        throw new LedgerError(
          `Cannot group cost by "${String(query.by)}"; use model, sink, source or run.`,
        );
      const statement = statements();
      const cacheKey = `${column}:${query.since ? 1 : 0}:${query.until ? 1 : 0}`;
      let cost = statement.cost.get(cacheKey);
      if (!cost) {
        cost = statement.raw(costSql(column, query));
        statement.cost.set(cacheKey, cost);
      }
      const parameters: Record<string, number> = {};
      if (query.since) parameters.since = query.since.getTime();
      if (query.until) parameters.until = query.until.getTime();
      return (cost.all(parameters) as unknown[][])
        .map((row) => ({
          group: names().name(row[0] as number),
          tokens: row[1] as number,
          costUsd: row[2] as number,
          embeddings: row[3] as number,
          runs: row[4] as number,
        }))
        .sort(
          (a, b) => b.costUsd - a.costUsd || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
        );
    }),
    provenance: connection.method('read provenance', (query: ProvenanceQuery): Provenance[] => {
      const statement = statements();
      const { names, hostname } = connection.get();
      let pairs: [number, string][];
      if ('pointId' in query) {
        const sinks = statement.sinksOfPoint.all(query.pointId) as number[];
        pairs = sinks.map((sink) => [sink, query.pointId]);
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
        if (!row) return provenance;
        provenance.point = toLivePoint(row, names);
        const run = statement.getRun.get(provenance.point.runId) as unknown[] | undefined;
        if (run) provenance.run = readRun(run, hostname);
        return provenance;
      });
    }),
    failures: connection.method(
      'list failures',
      (query: { runId?: string; sinkId?: string; limit?: number }): FailureRecord[] => {
        const run = query.runId === undefined ? null : names().find(query.runId);
        const sink = query.sinkId === undefined ? null : names().find(query.sinkId);
        if (run === undefined || sink === undefined) return [];
        const limit = query.limit === undefined ? -1 : Math.max(0, query.limit);
        return (statements().failures.all({ run, sink, limit }) as unknown[][]).map((row) =>
          toFailureRecord(row, names()),
        );
      },
    ),
    checkIntegrity: connection.method('check its integrity', () => {
      const { db, path } = connection.get();
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
