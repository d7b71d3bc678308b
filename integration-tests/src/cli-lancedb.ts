import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseLancedbUri } from '@drift-spark/sink-lancedb';
import { repoRoot } from './cli-harness.js';

/** LanceDB loaded from the sink's package: the tests read the table with plain LanceDB code. */
const fromSink = createRequire(`${repoRoot}packages/sink-lancedb/package.json`);

interface LanceTable {
  query(): { select(columns: string[]): { toArray(): Promise<Record<string, unknown>[]> } };
  close(): void;
}
interface LanceConnection {
  openTable(name: string): Promise<LanceTable>;
  close(): void;
}

/** Every row of a `lancedb://` sink's table, read without the sink: per point id, key, hash, text. */
export async function readLancedbTable(
  uri: string,
): Promise<Map<string, { key: string; contentHash: string; content: string | null }>> {
  const { path, table: name } = parseLancedbUri(uri);
  const lancedb = (await import(pathToFileURL(fromSink.resolve('@lancedb/lancedb')).href)) as {
    connect(path: string): Promise<LanceConnection>;
  };
  const db = await lancedb.connect(path);
  const table = await db.openTable(name);
  try {
    const rows = await table.query().select(['id', 'key', 'content_hash', 'content']).toArray();
    const points = new Map<string, { key: string; contentHash: string; content: string | null }>();
    for (const row of rows) {
      const id = String(row.id);
      if (points.has(id)) throw new Error(`the LanceDB table holds point ${id} twice`);
      points.set(id, {
        key: String(row.key),
        contentHash: String(row.content_hash),
        content: (row.content as string | null) ?? null,
      });
    }
    return points;
  } finally {
    table.close();
    db.close();
  }
}
