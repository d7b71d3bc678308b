import { describe, expect, it } from 'vitest';
import { createTestWorld, runInProcess, ticketsTable } from './testing/in-process.js';
import {
  onlyJson as json,
  onTickets,
  shadowSearch,
  memorySink as sink,
} from './testing/ticket-args.js';

const embedArgs = onTickets('embed', '--shadow-mode', '--sink', sink, '--json');
const watchArgs = onTickets('watch', '--shadow-mode', '--sink', sink, '--json');

describe('drift embed, watch and the ledger commands, in process on the example table', () => {
  it('embeds version 1, pays for each distinct text once, and a re-run embeds nothing', async () => {
    const world = createTestWorld();
    const first = await runInProcess([...embedArgs, '--version', '1'], world);
    expect(first.stderr).not.toMatch(/drift:/);
    expect(first.code).toBe(0);
    const result = json(first.stdout);
    // Version 1: 20 tickets, one null body, and 16 distinct texts among the other 19.
    expect(result).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 20,
      rowsSkipped: 1,
      rowsEmbedded: 16,
      rowsReused: 3,
      rowsFailed: 0,
      costUsd: 0,
    });
    for (const name of ['runId', 'rowsDeduped', 'tokens', 'durationS'])
      expect(result).toHaveProperty(name);

    const again = json((await runInProcess([...embedArgs, '--version', '1'], world)).stdout);
    expect(again).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 20,
      rowsDeduped: 19,
      rowsEmbedded: 0,
      rowsReused: 0,
      tokens: 0,
    });
    const sinkId = world.sinkUris[0]!;
    expect(await world.ledger.countPoints(sinkId)).toBe(19);
  });

  it('watch applies versions 2..4 and leaves one point per live row with text', async () => {
    const world = createTestWorld();
    await runInProcess([...embedArgs, '--version', '1'], world);
    const watch = await runInProcess([...watchArgs, '--since-version', '2'], world);
    expect(watch.code).toBe(0);
    const result = json(watch.stdout);
    expect(result).toMatchObject({ status: 'succeeded', sinceVersion: 2, toVersion: 4 });
    for (const name of ['inserted', 'updated', 'deleted'])
      expect(typeof result[name]).toBe('number');
    // Version 4 has 19 tickets, two of them (12 and 16) without a body.
    expect(await world.ledger.countPoints(world.sinkUris[0]!)).toBe(17);

    const idle = json((await runInProcess(watchArgs, world)).stdout);
    expect(idle).toMatchObject({ status: 'succeeded', rowsProcessed: 0, rowsEmbedded: 0 });

    const status = json((await runInProcess(['status', '--sink', sink, '--json'], world)).stdout);
    expect(status).toMatchObject({ sinkPoints: 17, ledgerPoints: 17, inStep: true });
    expect(status.checkpoints).toEqual([expect.objectContaining({ version: 4 })]);
  });

  it('search, runs, cost and provenance read back what embed wrote', async () => {
    const world = createTestWorld();
    await runInProcess(embedArgs, world);
    const search = await runInProcess(
      shadowSearch(sink, 'refund for a duplicate charge', '--k', '2', '--json'),
      world,
    );
    expect(search.code).toBe(0);
    const hits = json(search.stdout).hits as { key: string; content: string; score: number }[];
    expect(hits).toHaveLength(2);
    expect(hits[0]!.content).toMatch(/charged twice|refund/);

    const human = await runInProcess(shadowSearch(sink, 'dark mode for the dashboard'), world);
    expect(human.stdout).toMatch(/dark mode/);

    const runs = json((await runInProcess(['runs', '--json'], world)).stdout).runs as unknown[];
    expect(runs).toHaveLength(1);
    const cost = json((await runInProcess(['cost', '--by', 'model', '--json'], world)).stdout);
    expect(cost.rows).toEqual([
      expect.objectContaining({ group: 'openai/text-embedding-3-small', costUsd: 0 }),
    ]);

    const provenance = await runInProcess(
      ['provenance', '--key', '2', '--table', ticketsTable, '--json'],
      world,
    );
    expect(provenance.code).toBe(0);
    const points = json(provenance.stdout).points as {
      point: { key: string; contentHash: string };
    }[];
    expect(points[0]!.point.key).toBe('2');
    const byId = await runInProcess(
      ['provenance', (points[0]!.point as unknown as { pointId: string }).pointId],
      world,
    );
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain(points[0]!.point.contentHash);
  });

  it('--dry-run plans without writing', async () => {
    const world = createTestWorld();
    const plan = json((await runInProcess([...embedArgs, '--dry-run'], world)).stdout);
    expect(plan).toMatchObject({ dryRun: true, rowsProcessed: 19, rowsSkipped: 2 });
    expect(await world.ledger.countPoints(sink)).toBe(0);
    expect(world.stores.get(sink)?.points?.size ?? 0).toBe(0);
  });
});
