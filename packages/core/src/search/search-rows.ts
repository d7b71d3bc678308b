import type { PointPayload, SearchHit, SinkV1 } from '../spec/index.js';

/** Where a chunk sits in its row, as a chunked run stores it in the payload's `metadata`. */
export interface ChunkPosition {
  index: number;
  count: number;
  /** Character offsets into the row's text, end exclusive. */
  start: number;
  end: number;
}

/** The chunk position of a point; null for a point that holds a whole row. */
export function chunkPosition(payload: PointPayload): ChunkPosition | null {
  const metadata = payload.metadata;
  if (!metadata || typeof metadata.chunk_index !== 'number') return null;
  return {
    index: metadata.chunk_index,
    count: Number(metadata.chunk_count),
    start: Number(metadata.chunk_start),
    end: Number(metadata.chunk_end),
  };
}

/** A row found by a search: its best chunk, and how many of its chunks were among the hits. */
export interface RowHit {
  key: string;
  source: string;
  best: SearchHit;
  matchedChunks: number;
}

/** Groups hits by row (source + key), best score first; each row keeps its best hit. */
export function groupHitsByRow(hits: readonly SearchHit[]): RowHit[] {
  const rows = new Map<string, RowHit>();
  for (const hit of [...hits].sort((a, b) => b.score - a.score)) {
    const id = `${hit.payload.source}\u0000${hit.payload.key}`;
    const row = rows.get(id);
    if (row) row.matchedChunks++;
    else
      rows.set(id, {
        key: hit.payload.key,
        source: hit.payload.source,
        best: hit,
        matchedChunks: 1,
      });
  }
  return [...rows.values()];
}

export interface SearchRowsOptions {
  /** Rows wanted. */
  k: number;
  signal?: AbortSignal;
  /** Chunks fetched per row wanted on the first grouped search (then doubled). Default 8. */
  overFetch?: number;
  /** The most chunks one search asks for. Default 1000 (or k, when larger). */
  maxFetch?: number;
}

/**
 * The `k` nearest rows of a sink that may hold chunks: the best chunk of each row. A sink of
 * whole rows answers with one search of `k`; with chunks, the search is repeated with k × N
 * chunks (N doubling) until `k` rows are found, the sink has no more, or `maxFetch` is reached.
 */
export async function searchRows(
  sink: Pick<SinkV1, 'search'>,
  vector: Float32Array,
  options: SearchRowsOptions,
): Promise<{ rows: RowHit[]; chunked: boolean }> {
  const { k, signal } = options;
  const maxFetch = Math.max(k, options.maxFetch ?? 1000);
  let fetch = k;
  for (;;) {
    const hits = await sink.search(vector, { k: fetch, signal });
    const chunked = hits.some((hit) => chunkPosition(hit.payload) !== null);
    const rows = groupHitsByRow(hits);
    const exhausted = hits.length < fetch || fetch >= maxFetch;
    if (!chunked || rows.length >= k || exhausted) return { rows: rows.slice(0, k), chunked };
    fetch = Math.min(maxFetch, fetch === k ? k * (options.overFetch ?? 8) : fetch * 2);
  }
}
