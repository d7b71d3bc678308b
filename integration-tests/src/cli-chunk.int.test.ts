import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shadowRunArgs } from './cli-args.js';
import { documentOf, documentTable, expectChunksOf, readChunkPoints } from './cli-chunk-points.js';
import { useCliWorkspace } from './cli-workspace.js';

describe('drift embed and watch --chunk markdown, through the built binary', () => {
  const space = useCliWorkspace('chunk', { writer: true, services: ['QDRANT_URL'] });

  it('every sink stores each chunk with its place; an edit pays for its chunks only; a delete removes every chunk', async () => {
    const { work, writer } = space;
    const table = join(work, 'docs');
    const { documents, bodies, rows } = documentTable([1, 2, 3]);
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
