import { describe, expect, it } from 'vitest';
import { createTestWorld, runInProcess } from './testing/in-process.js';
import { onlyJson as json, onTickets, memorySink as sink } from './testing/ticket-args.js';

describe('drift search over a sink of chunks', () => {
  it('rows by default (one line per key, its best chunk and where it sits); --chunks lists chunks', async () => {
    const world = createTestWorld();
    const embed = await runInProcess(
      onTickets('embed', '--shadow-mode', '--sink', sink, '--json', '--chunk', 'sentences:1'),
      world,
    );
    expect(embed.code, embed.stderr).toBe(0);
    const search = (...flags: string[]) =>
      runInProcess(
        ['search', '--sink', sink, '--shadow-mode', '--k', '4', ...flags, 'printer'],
        world,
      );

    const rows = json((await search('--json')).stdout) as {
      results: string;
      hits: {
        key: string;
        chunk: { index: number; count: number } | null;
        matchedChunks: number;
      }[];
    };
    expect(rows.results).toBe('rows');
    expect(rows.hits).toHaveLength(4);
    expect(new Set(rows.hits.map((hit) => hit.key)).size).toBe(4);
    for (const hit of rows.hits) {
      expect(hit.chunk?.index).toBeLessThan(hit.chunk!.count);
      expect(hit.matchedChunks).toBeGreaterThanOrEqual(1);
    }
    const chunks = json((await search('--chunks', '--json')).stdout) as { hits: unknown[] };
    expect(chunks.hits).toHaveLength(4);

    const table = await search();
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ chunk/);
    expect(table.stdout).toMatch(/\d+\/\d+ @\d+-\d+/);
  });
});
