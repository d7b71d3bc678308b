import type { Checkpoint, CheckpointRef, LedgerV1, LivePoint } from '@drift-spark/core';
import type { LivePointsQuery } from '@drift-spark/core/internal';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';
import { pointColumns, toLivePoint } from './sqlite-ledger-rows.js';

const qualifiedPointColumns = pointColumns
  .split(', ')
  .map((column) => `points.${column}`)
  .join(', ');

function prepare({ db }: SqliteConnection) {
  const raw = (sql: string) => db.prepare(sql).raw(true);
  return {
    // One statement per batch, whatever its size: the ids travel as one JSON array
    // (no 999-parameter limit), and CROSS JOIN keeps SQLite from scanning the table.
    getPoints: raw(
      `SELECT ${qualifiedPointColumns} FROM json_each(?) AS wanted CROSS JOIN points WHERE points.sink = ? AND points.point_id = wanted.value`,
    ),
    findByContentHash: raw(
      `SELECT ${qualifiedPointColumns} FROM json_each(@hashes) AS wanted CROSS JOIN points WHERE points.sink = @sink AND points.point_id =
         (SELECT point_id FROM points WHERE sink = @sink AND content_hash = wanted.value AND fingerprint = @fingerprint LIMIT 1)`,
    ),
    countPoints: db.prepare('SELECT COUNT(*) FROM points WHERE sink = ?').pluck(),
    // Keyset paging on the primary key (sink, point_id): bounded pages, stable under deletes.
    livePoints: raw(
      `SELECT ${pointColumns} FROM points WHERE sink = @sink AND point_id > @after AND source = @source ORDER BY point_id LIMIT @limit`,
    ),
    // Every point of the keys (a chunked row has one per chunk), on the (source, key) index.
    pointsOfKeys: raw(
      `SELECT ${qualifiedPointColumns} FROM json_each(@keys) AS wanted CROSS JOIN points WHERE points.source = @source AND points.key = wanted.value AND points.sink = @sink`,
    ),
    getCheckpoint: db.prepare(
      'SELECT version, run_id AS runId, updated_at AS updatedAt FROM checkpoints WHERE source_id = ? AND sink_id = ? AND fingerprint = ?',
    ),
    setCheckpoint: db.prepare(
      `INSERT INTO checkpoints (source_id, sink_id, fingerprint, version, run_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, sink_id, fingerprint) DO UPDATE SET version = excluded.version, run_id = excluded.run_id, updated_at = excluded.updated_at`,
    ),
  };
}

type PointMethods =
  | 'getPoints'
  | 'findByContentHash'
  | 'countPoints'
  | 'livePoints'
  | 'pointsOfKeys';

/** Reads of the live points (by id, by content hash, counted, page by page) and the checkpoints. */
export function sqlitePoints(
  connection: LazyConnection,
): Required<Pick<LedgerV1, PointMethods | 'getCheckpoint' | 'setCheckpoint'>> {
  const statements = connection.statements(prepare);
  const names = () => connection.get().names;
  return {
    getPoints: connection.method('read points', (sinkId: string, pointIds: string[]) => {
      const found = new Map<string, LivePoint>();
      const sink = names().find(sinkId);
      if (pointIds.length === 0 || sink === undefined) return found;
      const rows = statements().getPoints.all(JSON.stringify(pointIds), sink) as unknown[][];
      for (const row of rows) found.set(row[1] as string, toLivePoint(row, names()));
      return found;
    }),
    findByContentHash: connection.method(
      'read points by content hash',
      (sinkId: string, fingerprint: string, contentHashes: string[]) => {
        const found = new Map<string, LivePoint>();
        const sink = names().find(sinkId);
        const print = names().find(fingerprint);
        if (contentHashes.length === 0 || sink === undefined || print === undefined) return found;
        const hashes = JSON.stringify([...new Set(contentHashes)]);
        const rows = statements().findByContentHash.all({ hashes, sink, fingerprint: print });
        for (const row of rows as unknown[][])
          found.set(row[4] as string, toLivePoint(row, names()));
        return found;
      },
    ),
    countPoints: connection.method('count points', (sinkId: string) => {
      const sink = names().find(sinkId);
      return sink === undefined ? 0 : (statements().countPoints.get(sink) as number);
    }),
    livePoints: connection.method('read live points', (query: LivePointsQuery) => {
      const sink = names().find(query.sinkId);
      const source = names().find(query.sourceId);
      if (sink === undefined || source === undefined) return [];
      const after = query.afterPointId ?? '';
      const limit = Math.max(1, Math.floor(query.limit));
      const rows = statements().livePoints.all({ sink, source, after, limit }) as unknown[][];
      return rows.map((row) => toLivePoint(row, names()));
    }),
    pointsOfKeys: connection.method(
      'read the points of keys',
      (sinkId: string, sourceId: string, keys: string[]) => {
        const sink = names().find(sinkId);
        const source = names().find(sourceId);
        if (keys.length === 0 || sink === undefined || source === undefined) return [];
        const wanted = JSON.stringify([...new Set(keys)]);
        const rows = statements().pointsOfKeys.all({ keys: wanted, source, sink }) as unknown[][];
        return rows.map((row) => toLivePoint(row, names()));
      },
    ),
    getCheckpoint: connection.method('read a checkpoint', (ref: CheckpointRef) => {
      const row = statements().getCheckpoint.get(ref.sourceId, ref.sinkId, ref.fingerprint) as
        | { version: number; runId: string; updatedAt: number }
        | undefined;
      if (!row) return undefined;
      const { sourceId, sinkId, fingerprint } = ref;
      const checkpoint: Checkpoint = {
        sourceId,
        sinkId,
        fingerprint,
        ...row,
        updatedAt: new Date(row.updatedAt),
      };
      return checkpoint;
    }),
    setCheckpoint: connection.method(
      'write a checkpoint',
      ({ sourceId, sinkId, fingerprint, version, runId }: Omit<Checkpoint, 'updatedAt'>) => {
        statements().setCheckpoint.run(sourceId, sinkId, fingerprint, version, runId, Date.now());
      },
    ),
  };
}
