import { createLancedbSinkFromUri } from '@drift-spark/sink-lancedb';
import { createPgvectorSinkFromUri } from '@drift-spark/sink-pgvector';
import { dimensions, model } from './cli-args.js';

/** A point as a chunked run stores it: the row's key, the chunk text, the metadata with the chunk's place. */
export interface ChunkPoint {
  key: string;
  source: string;
  content: string | null;
  metadata: Record<string, unknown> | null;
}

/** Every point of a sink by id, with its metadata: PGlite/PostgreSQL and Lance through their sinks, Qdrant through REST. */
export async function readChunkPoints(uri: string): Promise<Map<string, ChunkPoint>> {
  const points = new Map<string, ChunkPoint>();
  if (/^qdrant:\/\//.test(uri)) {
    const [, hostPort, collection] = /^qdrant:\/\/([^/]+)\/([^?]+)/.exec(uri)!;
    let offset: unknown = null;
    do {
      const response = await fetch(`http://${hostPort}/collections/${collection}/points/scroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          limit: 256,
          with_payload: true,
          with_vector: false,
          ...(offset === null ? {} : { offset }),
        }),
      });
      const { result } = (await response.json()) as {
        result: { points: { id: string; payload: ChunkPoint }[]; next_page_offset: unknown };
      };
      for (const { id, payload } of result.points) points.set(id, pick(payload));
      offset = result.next_page_offset ?? null;
    } while (offset !== null);
    return points;
  }
  const sink = /^lancedb:\/\//.test(uri)
    ? createLancedbSinkFromUri(uri)
    : createPgvectorSinkFromUri(uri);
  try {
    await sink.open({ dimensions, distance: 'cosine', model });
    for await (const batch of sink.scan({ batchSize: 500 }))
      for (const point of batch) points.set(point.id, pick(point.payload));
    return points;
  } finally {
    await sink.close();
  }
}

function pick(payload: ChunkPoint): ChunkPoint {
  const metadata =
    typeof payload.metadata === 'string'
      ? (JSON.parse(payload.metadata) as Record<string, unknown>)
      : payload.metadata;
  return { key: payload.key, source: payload.source, content: payload.content, metadata };
}
