/** Every point of a Qdrant collection, read over its REST API (the CLI is not running). */
export async function readQdrantCollection(
  baseUrl: string,
  collection: string,
): Promise<Map<string, { key: string; contentHash: string }>> {
  const points = new Map<string, { key: string; contentHash: string }>();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (process.env.QDRANT_API_KEY) headers['api-key'] = process.env.QDRANT_API_KEY;
  let offset: unknown = null;
  do {
    const response = await fetch(
      `${baseUrl.replace(/\/+$/, '')}/collections/${encodeURIComponent(collection)}/points/scroll`,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ limit: 1000, offset, with_payload: true, with_vector: false }),
      },
    );
    if (!response.ok) throw new Error(`Qdrant scroll: HTTP ${response.status}`);
    const body = (await response.json()) as {
      result: {
        points: { id: string; payload: { key: string; content_hash: string } }[];
        next_page_offset?: unknown;
      };
    };
    for (const point of body.result.points) {
      if (points.has(point.id)) throw new Error(`Qdrant returned point ${point.id} twice`);
      points.set(point.id, { key: point.payload.key, contentHash: point.payload.content_hash });
    }
    offset = body.result.next_page_offset ?? null;
  } while (offset !== null);
  return points;
}
