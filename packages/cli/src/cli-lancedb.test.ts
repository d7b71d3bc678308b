import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestWorld, runInProcess, ticketsTable } from './testing/in-process.js';
import { shadowSearch } from './testing/ticket-args.js';

const folder = mkdtempSync(join(tmpdir(), 'drift-cli-lancedb-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const sink = `lancedb://${folder}?table=tickets`;
const table = ['--table', ticketsTable, '--text-col', 'body', '--shadow-mode', '--sink', sink];
const json = (stdout: string) => JSON.parse(stdout.trim()) as Record<string, unknown>;

describe('drift with --sink lancedb://', () => {
  it('embeds, follows the change feed, and status, search and provenance read the LanceDB table', async () => {
    const world = createTestWorld();
    const first = await runInProcess(['embed', ...table, '--version', '1', '--json'], world);
    expect(first.stderr).not.toMatch(/drift:/);
    expect(json(first.stdout)).toMatchObject({
      status: 'succeeded',
      rowsEmbedded: 16,
      rowsReused: 3,
      sink,
    });
    const watch = json((await runInProcess(['watch', ...table, '--json'], world)).stdout);
    expect(watch).toMatchObject({ status: 'succeeded', toVersion: 4 });

    const status = json((await runInProcess(['status', '--sink', sink, '--json'], world)).stdout);
    expect(status).toMatchObject({ sinkPoints: 17, ledgerPoints: 17, inStep: true });
    expect(status.search).toMatchObject({ index: null, buildsAt: 50_000 });
    const human = await runInProcess(['status', '--sink', sink], world);
    expect(human.stdout).toMatch(
      /search: no index \(one is built from 50,000 points\): each search scans all 17 points, ~\d+ ms per search/,
    );

    const search = await runInProcess(
      shadowSearch(sink, 'refund for a duplicate charge', '--k', '2', '--json'),
      world,
    );
    expect(search.code).toBe(0);
    const hits = json(search.stdout).hits as { content: string; score: number }[];
    expect(hits).toHaveLength(2);
    expect(hits[0]!.content).toMatch(/charged twice|refund/);

    const provenance = await runInProcess(
      ['provenance', '--key', '2', '--table', ticketsTable, '--sink', sink, '--json'],
      world,
    );
    expect(provenance.code).toBe(0);
    expect(json(provenance.stdout).points).toHaveLength(1);
  });
});

describe('drift verify and repair without --sink', () => {
  it('check the embedded default drift embed wrote for the table, and never make one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'drift-cli-default-sink-'));
    const empty = mkdtempSync(join(tmpdir(), 'drift-cli-no-sink-'));
    try {
      const world = createTestWorld();
      const rows = ['--table', ticketsTable, '--text-col', 'body'];
      const run = (args: string[], at = cwd) => runInProcess(args, world, { cwd: at });
      expect((await run(['embed', ...rows, '--shadow-mode', '--version', '1'])).code).toBe(0);

      const verified = await run(['verify', ...rows, '--version', '1', '--json']);
      expect(verified.code).toBe(0);
      expect(json(verified.stdout)).toMatchObject({
        inStep: true,
        sinkId: `lancedb://${cwd}/.drift/lancedb?table=tickets`,
      });
      // at version 4 the table moved on: drift found in the default sink, repaired there
      expect((await run(['verify', ...rows])).code).toBe(4);
      expect((await run(['repair', ...rows, '--shadow-mode'])).code).toBe(0);
      expect((await run(['verify', ...rows])).code).toBe(0);

      for (const command of [['verify'], ['repair', '--shadow-mode']]) {
        const refused = await run([...command, ...rows], empty);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(
          `drift ${command[0]} needs --sink: no embedded default sink`,
        );
      }
      expect(existsSync(join(empty, '.drift'))).toBe(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
