import { parsePgvectorUri } from '@drift-spark/sink-pgvector';
import { sql } from './cli-sink-access.js';

/** What a test plants in a sink behind Drift's back: a point, or an altered payload hash. */
export interface Planter {
  /** Writes a point with this payload (a made-up vector). */
  insert(point: { id: string; key: string; source: string; contentHash: string }): Promise<void>;
  /** Changes the `content_hash` a point carries. */
  setHash(id: string, contentHash: string): Promise<void>;
}

export function pgvectorPlanter(uri: string, model: string, dimensions: number): Planter {
  const table = `"${parsePgvectorUri(uri).table}"`;
  const vector = `[${Array.from({ length: dimensions }, (_, i) => ((i % 7) + 1) / 10).join(',')}]`;
  return {
    insert: (point) =>
      sql(
        uri,
        `insert into ${table} (id, key, source, content, content_hash, model, embedding, metadata, run_id)
         values ('${point.id}', '${point.key}', '${point.source}', 'planted', '${point.contentHash}', '${model}', '${vector}', null, 'planted')`,
      ),
    setHash: (id, contentHash) =>
      sql(uri, `update ${table} set content_hash = '${contentHash}' where id = '${id}'`),
  };
}

export function qdrantPlanter(
  baseUrl: string,
  collection: string,
  model: string,
  dimensions: number,
): Planter {
  const url = `${baseUrl.replace(/\/+$/, '')}/collections/${collection}/points`;
  const call = async (path: string, method: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
    return (await response.json()) as { result: unknown };
  };
  const vector = Array.from({ length: dimensions }, (_, i) => ((i % 7) + 1) / 10);
  return {
    insert: async (point) =>
      void (await call('?wait=true', 'PUT', {
        points: [
          {
            id: point.id,
            vector,
            payload: {
              key: point.key,
              source: point.source,
              content: 'planted',
              content_hash: point.contentHash,
              model,
              run_id: 'planted',
              metadata: null,
            },
          },
        ],
      })),
    async setHash(id, contentHash) {
      const { result } = (await call('', 'POST', {
        ids: [id],
        with_payload: true,
        with_vector: true,
      })) as { result: { id: string; vector: number[]; payload: Record<string, unknown> }[] };
      const point = result[0]!;
      await call('?wait=true', 'PUT', {
        points: [
          { id, vector: point.vector, payload: { ...point.payload, content_hash: contentHash } },
        ],
      });
    },
  };
}
