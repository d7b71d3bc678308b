import type { LedgerV1 } from '@drift-spark/core';
import type { DroppedSink } from '@drift-spark/core/internal';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';

function prepare({ db, names }: SqliteConnection) {
  const deletePoints = db.prepare('DELETE FROM points WHERE sink = ?');
  const deleteFailures = db.prepare('DELETE FROM failures WHERE sink = ?');
  const deleteRetired = db.prepare('DELETE FROM retired_vectors WHERE sink = ?');
  const deleteCheckpoints = db.prepare('DELETE FROM checkpoints WHERE sink_id = ?');
  const deletePending = db.prepare('DELETE FROM pending_writes WHERE sink_id = ?');
  const dropSink = db.transaction((sinkId: string): DroppedSink => {
    const checkpoints = deleteCheckpoints.run(sinkId).changes;
    deletePending.run(sinkId);
    const sink = names.find(sinkId);
    if (sink === undefined) return { points: 0, checkpoints };
    deleteFailures.run(sink);
    deleteRetired.run(sink);
    return { points: deletePoints.run(sink).changes, checkpoints };
  });
  return { dropSink };
}

/** `dropSink`: the ledger side of a dropped index, in one transaction (runs and history stay). */
export function sqliteDrop(connection: LazyConnection): Required<Pick<LedgerV1, 'dropSink'>> {
  const statements = connection.statements(prepare);
  return {
    dropSink: connection.method('drop a sink', (sinkId: string) =>
      statements().dropSink.immediate(sinkId),
    ),
  };
}
