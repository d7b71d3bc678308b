import type { LedgerV1, PendingWrite, PendingWriteRecord } from '@drift-spark/core';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';

interface PendingRow {
  id: number;
  run_id: string;
  source_id: string;
  sink_id: string;
  batch: string;
  at: number;
}

function prepare({ db }: SqliteConnection) {
  return {
    insert: db.prepare(
      'INSERT INTO pending_writes (run_id, source_id, sink_id, batch, at) VALUES (?, ?, ?, ?, ?)',
    ),
    list: db.prepare(
      'SELECT id, run_id, source_id, sink_id, batch, at FROM pending_writes WHERE source_id = ? AND sink_id = ? ORDER BY id',
    ),
  };
}

/**
 * Pending writes (`notePendingWrite`, `pendingWrites`): a batch's intended ledger change,
 * kept until `commitBatch` settles it (`LedgerBatch.settles`) or `dropSink` drops the sink.
 */
export function sqlitePending(
  connection: LazyConnection,
): Required<Pick<LedgerV1, 'notePendingWrite' | 'pendingWrites'>> {
  const statements = connection.statements(prepare);
  return {
    notePendingWrite: connection.method('note a pending write', (write: PendingWrite) => {
      const batch = JSON.stringify({ upserts: write.upserts, deletes: write.deletes });
      const { lastInsertRowid } = statements().insert.run(
        write.runId,
        write.sourceId,
        write.sinkId,
        batch,
        Date.now(),
      );
      return Number(lastInsertRowid);
    }),
    pendingWrites: connection.method(
      'read pending writes',
      (sourceId: string, sinkId: string): PendingWriteRecord[] =>
        (statements().list.all(sourceId, sinkId) as PendingRow[]).map((row) => {
          const batch = JSON.parse(row.batch) as Pick<PendingWrite, 'upserts' | 'deletes'>;
          return {
            id: row.id,
            runId: row.run_id,
            sourceId: row.source_id,
            sinkId: row.sink_id,
            upserts: batch.upserts,
            deletes: batch.deletes,
            at: new Date(row.at),
          };
        }),
    ),
  };
}
