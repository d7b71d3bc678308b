import type { LivePoint } from '@drift-spark/core';
import type { ErasureReceipt, LivePointsQuery } from '@drift-spark/core/internal';
import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerNames } from './sqlite-ledger-names.js';
import { pointColumns, toLivePoint } from './sqlite-ledger-rows.js';

/**
 * The ledger's queries for forget, verify, repair and the sweep of a full embed:
 * live points of a source page by page, the sinks of a source, erased points and
 * erasure receipts.
 */
export function maintenanceQueries(db: BetterSqlite3.Database, names: LedgerNames) {
  const raw = (sql: string) => db.prepare(sql).raw(true);
  const statement = {
    // Keyset paging on the primary key (sink, point_id): bounded pages, stable under deletes.
    livePoints: raw(
      `SELECT ${pointColumns} FROM points WHERE sink = @sink AND point_id > @after AND source = @source ORDER BY point_id LIMIT @limit`,
    ),
    sinksOfSource: db
      .prepare('SELECT DISTINCT sink_id FROM runs WHERE source_id = ? ORDER BY sink_id')
      .pluck(),
    // Erased, and not written again since (an embed with --include-forgotten lifts it).
    erasedPoints: db
      .prepare(
        `SELECT wanted.value FROM json_each(?) AS wanted WHERE (SELECT action FROM history
           WHERE point_id = wanted.value AND action IN ('erase', 'upsert') ORDER BY id DESC LIMIT 1) = 'erase'`,
      )
      .pluck(),
    insertReceipt: db.prepare(
      'INSERT INTO erasure_receipts (key_digest, source_id, point_id, at, receipt) VALUES (?, ?, ?, ?, ?)',
    ),
    receipts: db
      .prepare('SELECT receipt FROM erasure_receipts WHERE key_digest = ? ORDER BY id')
      .pluck(),
  };
  return {
    livePoints(query: LivePointsQuery): LivePoint[] {
      const sink = names.find(query.sinkId);
      const source = names.find(query.sourceId);
      if (sink === undefined || source === undefined) return [];
      const rows = statement.livePoints.all({
        sink,
        source,
        after: query.afterPointId ?? '',
        limit: Math.max(1, Math.floor(query.limit)),
      }) as unknown[][];
      return rows.map((row) => toLivePoint(row, names));
    },
    sinksOfSource(sourceId: string): string[] {
      return statement.sinksOfSource.all(sourceId) as string[];
    },
    erasedPoints(pointIds: string[]): Set<string> {
      if (pointIds.length === 0) return new Set();
      return new Set(statement.erasedPoints.all(JSON.stringify(pointIds)) as string[]);
    },
    saveErasureReceipt(receipt: ErasureReceipt): void {
      statement.insertReceipt.run(
        receipt.keyDigest,
        receipt.sourceId,
        receipt.pointId,
        receipt.at.getTime(),
        JSON.stringify(receipt),
      );
    },
    erasureReceipts(keyDigest: string): ErasureReceipt[] {
      return (statement.receipts.all(keyDigest) as string[]).map(parseReceipt);
    },
  };
}

function parseReceipt(json: string): ErasureReceipt {
  const receipt = JSON.parse(json) as ErasureReceipt & { at: string };
  return {
    ...receipt,
    at: new Date(receipt.at),
    sinks: receipt.sinks.map((sink) => ({
      ...sink,
      checkedAt: new Date(sink.checkedAt as unknown as string),
    })),
  };
}
