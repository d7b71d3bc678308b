import { pointId } from '@drift-spark/core';
import { createSqliteLedger } from '@drift-spark/ledger';
import { createPgvectorSinkFromUri } from '@drift-spark/sink-pgvector';
import { embeddable, sha256, type TicketRow } from './cli-harness.js';
import { readLancedbTable } from './cli-lancedb.js';

/** What the sink must hold: one point per live row with text, keyed by point id, with that text's hash. */
export function expectedPoints(
  sourceId: string,
  rows: Iterable<TicketRow>,
): Map<string, { key: string; contentHash: string; content: string }> {
  const points = new Map<string, { key: string; contentHash: string; content: string }>();
  for (const row of rows) {
    const text = embeddable(row.body);
    if (text === null) continue;
    points.set(pointId(sourceId, String(row.id)), {
      key: String(row.id),
      contentHash: sha256(text),
      content: text,
    });
  }
  return points;
}

/**
 * Every point of a pgvector/PGlite sink, read through the sink package, or of a LanceDB
 * table, read with plain LanceDB code (the CLI is not running).
 */
export async function readSink(
  uri: string,
  model: string,
  dimensions: number,
): Promise<Map<string, { key: string; contentHash: string; content: string | null }>> {
  if (/^lancedb:\/\//i.test(uri)) return readLancedbTable(uri);
  const sink = createPgvectorSinkFromUri(uri);
  try {
    await sink.open({ dimensions, distance: 'cosine', model });
    const points = new Map<string, { key: string; contentHash: string; content: string | null }>();
    for await (const batch of sink.scan({ batchSize: 500 })) {
      for (const point of batch) {
        if (points.has(point.id)) throw new Error(`the sink returned point ${point.id} twice`);
        points.set(point.id, {
          key: point.payload.key,
          contentHash: point.payload.content_hash,
          content: point.payload.content,
        });
      }
    }
    return points;
  } finally {
    await sink.close();
  }
}

export async function ledgerPointCount(path: string, sinkId: string): Promise<number> {
  const ledger = createSqliteLedger({ path });
  try {
    return await ledger.countPoints(sinkId);
  } finally {
    await ledger.close();
  }
}
