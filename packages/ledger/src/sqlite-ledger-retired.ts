import type { LedgerV1, RetiredVector } from '@drift-spark/core';
import type { LazyConnection, SqliteConnection } from './sqlite-ledger-connection.js';

/** How many vectors of edited chunks a sink keeps unless the options say otherwise. */
export const defaultRetiredVectors = 10_000;

function prepare({ db, names }: SqliteConnection, limit: number) {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO retired_vectors (sink, fingerprint, content_hash, source, key, vector) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // The rowid grows with every insert (a vector kept again is a new row): the oldest go.
  const trim = db.prepare(
    `DELETE FROM retired_vectors WHERE sink = @sink AND id <=
       (SELECT id FROM retired_vectors WHERE sink = @sink ORDER BY id DESC LIMIT 1 OFFSET @limit)`,
  );
  const find = db.prepare(
    `SELECT wanted.value AS hash, retired_vectors.vector AS vector FROM json_each(?) AS wanted
       CROSS JOIN retired_vectors WHERE retired_vectors.sink = ? AND retired_vectors.fingerprint = ?
       AND retired_vectors.content_hash = wanted.value`,
  );
  const keep = db.transaction((sinkId: string, vectors: RetiredVector[]) => {
    names.ensure([sinkId, ...vectors.flatMap((vector) => [vector.fingerprint, vector.sourceId])]);
    const sink = names.id(sinkId);
    for (const vector of vectors) {
      const bytes = vector.vector;
      insert.run(
        sink,
        names.id(vector.fingerprint),
        vector.contentHash,
        names.id(vector.sourceId),
        vector.key,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      );
    }
    trim.run({ sink, limit });
  });
  return { keep, find };
}

/**
 * Vectors of edited chunks (`keepRetiredVectors`, `findRetiredVectors`): float32 bytes, at
 * most `limit` per sink. `recordErasure` deletes those of an erased key, `dropSink` a sink's.
 */
export function sqliteRetired(
  connection: LazyConnection,
  limit = defaultRetiredVectors,
): Required<Pick<LedgerV1, 'keepRetiredVectors' | 'findRetiredVectors'>> {
  const statements = connection.statements((open) => prepare(open, Math.max(0, limit)));
  return {
    keepRetiredVectors: connection.method(
      'keep vectors of edited chunks',
      (sinkId: string, vectors: RetiredVector[]) => {
        if (vectors.length === 0 || limit <= 0) return;
        statements().keep.immediate(sinkId, vectors);
      },
    ),
    findRetiredVectors: connection.method(
      'read kept vectors of edited chunks',
      (sinkId: string, fingerprint: string, contentHashes: string[]) => {
        const found = new Map<string, Float32Array>();
        const { names } = connection.get();
        const sink = names.find(sinkId);
        const model = names.find(fingerprint);
        if (contentHashes.length === 0 || sink === undefined || model === undefined) return found;
        const rows = statements().find.all(JSON.stringify(contentHashes), sink, model) as {
          hash: string;
          vector: Buffer;
        }[];
        // A copy: the Buffer's bytes may not sit at a float-aligned offset.
        for (const { hash, vector } of rows)
          found.set(hash, new Float32Array(new Uint8Array(vector).buffer));
        return found;
      },
    ),
  };
}
