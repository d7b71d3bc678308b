import type { ErasureEntry, LedgerReportsV1, LedgerV1 } from '@drift-spark/core';
import type { ErasureReceipt } from '@drift-spark/core/internal';
import { preparePointWrites } from './sqlite-ledger-batch.js';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';

type ErasureGroup = 'recordErasure' | 'erasedPoints' | 'sinksOfSource' | 'saveErasureReceipt';

function prepare({ db, names }: SqliteConnection) {
  const statement = {
    ...preparePointWrites(db),
    forgetHashes: db.prepare(
      'UPDATE history SET content_hash = NULL WHERE point_id = ? AND sink = ? AND content_hash IS NOT NULL',
    ),
    forgetFailures: db.prepare('DELETE FROM failures WHERE point_id = ? AND sink = ?'),
    forgetRetired: db.prepare(
      'DELETE FROM retired_vectors WHERE sink = ? AND source = ? AND key = ?',
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
  const recordErasure = db.transaction((entries: ErasureEntry[]) => {
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
      // Vectors kept of the key's edited chunks were derived from its text: they go too.
      statement.forgetRetired.run(sink, names.id(entry.sourceId), entry.key);
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
  return { ...statement, recordErasure };
}

/** Erasure on request (`forget`): the erased points, the sinks of a source, receipts. */
export function sqliteErasure(
  connection: LazyConnection,
): Required<Pick<LedgerV1, ErasureGroup>> & Required<Pick<LedgerReportsV1, 'erasureReceipts'>> {
  const statements = connection.statements(prepare);
  return {
    recordErasure: connection.method('record an erasure', (entries: ErasureEntry[]) => {
      if (entries.length === 0) return;
      const { db, names } = connection.get();
      names.ensure(entries.flatMap((entry) => [entry.sinkId, entry.sourceId, entry.runId]));
      // Overwrite the erased bytes instead of leaving them in free pages, then fold the
      // write-ahead log back into the file so its old page images go too (best effort:
      // a reader in another process can keep the log alive until it finishes).
      const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
      db.pragma('secure_delete = ON');
      try {
        statements().recordErasure.immediate(entries);
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
    sinksOfSource: connection.method('list the sinks of a source', (sourceId: string) => {
      return statements().sinksOfSource.all(sourceId) as string[];
    }),
    erasedPoints: connection.method('read erased points', (pointIds: string[]) => {
      if (pointIds.length === 0) return new Set<string>();
      return new Set(statements().erasedPoints.all(JSON.stringify(pointIds)) as string[]);
    }),
    saveErasureReceipt: connection.method(
      'record an erasure receipt',
      (receipt: ErasureReceipt) => {
        const { keyDigest, sourceId, pointId, at } = receipt;
        statements().insertReceipt.run(
          keyDigest,
          sourceId,
          pointId,
          at.getTime(),
          JSON.stringify(receipt),
        );
      },
    ),
    erasureReceipts: connection.method('read erasure receipts', (keyDigest: string) => {
      return (statements().receipts.all(keyDigest) as string[]).map(parseReceipt);
    }),
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
