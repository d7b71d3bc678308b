import { chunkPointId } from '@drift-spark/core/internal';
import { createLancedbSinkFromUri } from '@drift-spark/sink-lancedb';
import { createPgvectorSinkFromUri } from '@drift-spark/sink-pgvector';
import { expect } from 'vitest';
import { dimensions, model } from './cli-args.js';
import { seededRandom, type TicketRow } from './cli-harness.js';

/** A point as a chunked run stores it: the row's key, the chunk text, the metadata with the chunk's place. */
export interface ChunkPoint {
  key: string;
  source: string;
  content: string | null;
  metadata: Record<string, unknown> | null;
}

/** Every point of a sink by id, with its metadata: PGlite/PostgreSQL and Lance through their sinks, Qdrant through REST. */
export async function readChunkPoints(
  uri: string,
  as: { model: string; dimensions: number } = { model, dimensions },
): Promise<Map<string, ChunkPoint>> {
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
    await sink.open({ ...as, distance: 'cosine' });
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

const words =
  'table vector index delta change feed sink source ledger point chunk text embed token cost version commit writer reader paragraph section heading query'.split(
    ' ',
  );

/** A Markdown document of `sections` sections of a few paragraphs each, from a seed. */
export function documentOf(seed: number, sections = 10): string[] {
  const random = seededRandom(seed);
  const sentence = () =>
    `${Array.from({ length: 8 + Math.floor(random() * 10) }, () => words[Math.floor(random() * words.length)]).join(' ')}.`;
  const paragraph = () => Array.from({ length: 2 + Math.floor(random() * 4) }, sentence).join(' ');
  const parts = [`# Guide ${seed}`, paragraph()];
  for (let section = 1; section <= sections; section++)
    parts.push(`## Part ${section}`, paragraph(), paragraph(), paragraph());
  return parts;
}

/** The points of each key must be its document's chunks: ids, order, offsets and texts. */
export function expectChunksOf(points: Map<string, ChunkPoint>, bodies: Map<string, string>) {
  const byKey = new Map<string, [string, ChunkPoint][]>();
  for (const entry of points) {
    const list = byKey.get(entry[1].key) ?? [];
    list.push(entry);
    byKey.set(entry[1].key, list);
  }
  expect([...byKey.keys()].sort()).toEqual([...bodies.keys()].sort());
  for (const [key, entries] of byKey) {
    const body = bodies.get(key)!;
    entries.sort((a, b) => Number(a[1].metadata?.chunk_index) - Number(b[1].metadata?.chunk_index));
    let words = 0;
    entries.forEach(([id, point], index) => {
      const { chunk_index, chunk_count, chunk_start, chunk_end, category } = point.metadata ?? {};
      expect({ chunk_index, chunk_count }).toEqual({
        chunk_index: index,
        chunk_count: entries.length,
      });
      expect(id).toBe(chunkPointId(point.source, key, index));
      expect(category).toBe(`c${key}`);
      const slice = body.slice(Number(chunk_start), Number(chunk_end));
      expect(point.content?.endsWith(slice)).toBe(true);
      words += slice.split(/\s+/).filter(Boolean).length;
    });
    expect(words).toBe(body.split(/\s+/).filter(Boolean).length);
  }
}

/** Markdown documents by id (each a list of parts): the table's rows, and the bodies the sinks must hold. */
export function documentTable(ids: number[]) {
  const documents = new Map(ids.map((id) => [id, documentOf(id)]));
  const bodies = () =>
    new Map([...documents].map(([id, parts]) => [String(id), parts.join('\n\n')]));
  const rows = (): TicketRow[] =>
    [...documents].map(([id, parts]) => ({
      id,
      body: parts.join('\n\n'),
      category: `c${id}`,
      n: id,
    }));
  return { documents, bodies, rows };
}
