import { join } from 'node:path';
import { chunkPointId } from '@drift-spark/core/internal';
import { describe, expect, it } from 'vitest';
import { shadowRunArgs } from './cli-args.js';
import { type ChunkPoint, readChunkPoints } from './cli-chunk-points.js';
import { seededRandom, type TicketRow } from './cli-harness.js';
import { useCliWorkspace } from './cli-workspace.js';

const words =
  'table vector index delta change feed sink source ledger point chunk text embed token cost version commit writer reader paragraph section heading query'.split(
    ' ',
  );

/** A Markdown document of `sections` sections of a few paragraphs each, from a seed. */
function documentOf(seed: number, sections = 10): string[] {
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
function expectChunksOf(points: Map<string, ChunkPoint>, bodies: Map<string, string>) {
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

describe('drift embed and watch --chunk markdown, through the built binary', () => {
  const space = useCliWorkspace('chunk', { writer: true, services: ['QDRANT_URL'] });

  it('every sink stores each chunk with its place; an edit pays for its chunks only; a delete removes every chunk', async () => {
    const { work, writer } = space;
    const table = join(work, 'docs');
    const documents = new Map([1, 2, 3].map((id) => [id, documentOf(id)]));
    const bodies = () =>
      new Map([...documents].map(([id, parts]) => [String(id), parts.join('\n\n')]));
    const rows = (): TicketRow[] =>
      [...documents].map(([id, parts]) => ({
        id,
        body: parts.join('\n\n'),
        category: `c${id}`,
        n: id,
      }));
    await writer.request({ op: 'create', path: table, rows: rows() });
    const token = Math.random().toString(36).slice(2, 8);
    const qdrant = process.env.QDRANT_URL!.replace(/^http:\/\//, 'qdrant://').replace(/\/+$/, '');
    const sinks = [
      `pglite://${join(work, 'pglite')}?table=docs`,
      `lancedb://${join(work, 'lance')}?table=docs`,
      `${qdrant}/drift_chunk_${token}`,
    ];
    const run = (command: string, sink: string) =>
      space.driftJson(
        shadowRunArgs(
          command,
          { table, sink, ledger: join(work, 'ledger.db') },
          '--chunk',
          'markdown:200',
          '--metadata-col',
          'category',
        ),
      );
    for (const sink of sinks) {
      expect(await run('embed', sink)).toMatchObject({ status: 'succeeded' });
      expectChunksOf(await readChunkPoints(sink), bodies());
    }

    const parts = documents.get(2)!;
    parts[parts.length - 2] = documentOf(99)[1]!;
    await writer.request({ op: 'set_body', ids: [2], body: parts.join('\n\n') });
    await writer.request({ op: 'delete', ids: [3] });
    documents.delete(3);
    // The engine's delta is the same for every sink: the feed is followed into two of them.
    for (const sink of [sinks[0]!, sinks[2]!]) {
      const watched = await run('watch', sink);
      expect(watched).toMatchObject({ status: 'succeeded' });
      expect(Number(watched.rowsEmbedded)).toBeGreaterThanOrEqual(1);
      expect(Number(watched.rowsEmbedded)).toBeLessThanOrEqual(2);
      expectChunksOf(await readChunkPoints(sink), bodies());
    }
  });
});
