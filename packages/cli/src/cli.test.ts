import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestWorld, runInProcess, ticketsTable } from './testing/in-process.js';

const sink = 'pglite://memory?table=tickets';
const embedArgs = [
  'embed',
  '--table',
  ticketsTable,
  '--text-col',
  'body',
  '--shadow-mode',
  '--sink',
  sink,
  '--json',
];

function json(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

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
    const watch = await runInProcess(
      [
        'watch',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        sink,
        '--since-version',
        '2',
        '--json',
      ],
      world,
    );
    expect(watch.code).toBe(0);
    const result = json(watch.stdout);
    expect(result).toMatchObject({ status: 'succeeded', sinceVersion: 2, toVersion: 4 });
    for (const name of ['inserted', 'updated', 'deleted'])
      expect(typeof result[name]).toBe('number');
    // Version 4 has 19 tickets, two of them (12 and 16) without a body.
    expect(await world.ledger.countPoints(world.sinkUris[0]!)).toBe(17);

    const idle = json(
      (
        await runInProcess(
          [
            'watch',
            '--table',
            ticketsTable,
            '--text-col',
            'body',
            '--shadow-mode',
            '--sink',
            sink,
            '--json',
          ],
          world,
        )
      ).stdout,
    );
    expect(idle).toMatchObject({ status: 'succeeded', rowsProcessed: 0, rowsEmbedded: 0 });

    const status = json((await runInProcess(['status', '--sink', sink, '--json'], world)).stdout);
    expect(status).toMatchObject({ sinkPoints: 17, ledgerPoints: 17, inStep: true });
    expect(status.checkpoints).toEqual([expect.objectContaining({ version: 4 })]);
  });

  it('search, runs, cost and provenance read back what embed wrote', async () => {
    const world = createTestWorld();
    await runInProcess(embedArgs, world);
    const search = await runInProcess(
      [
        'search',
        '--sink',
        sink,
        '--shadow-mode',
        '--k',
        '2',
        'refund for a duplicate charge',
        '--json',
      ],
      world,
    );
    expect(search.code).toBe(0);
    const hits = json(search.stdout).hits as { key: string; content: string; score: number }[];
    expect(hits).toHaveLength(2);
    expect(hits[0]!.content).toMatch(/charged twice|refund/);

    const human = await runInProcess(
      ['search', '--sink', sink, '--shadow-mode', 'dark mode for the dashboard'],
      world,
    );
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

describe('every error a new user hits is one line and exit 1 or 2', () => {
  const cases: {
    name: string;
    args: string[];
    code: number;
    message: RegExp;
    env?: NodeJS.ProcessEnv;
    missing?: string[];
  }[] = [
    {
      name: 'wrong path',
      args: ['embed', '--table', './no/such/table', '--text-col', 'body', '--shadow-mode'],
      code: 2,
      message: /No table at .*check --table/,
    },
    {
      name: 'not a Delta table',
      args: ['embed', '--table', '@plain-dir', '--text-col', 'body', '--shadow-mode'],
      code: 2,
      message: /not a Delta table.*_delta_log/,
    },
    {
      name: 'missing column',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'text',
        '--shadow-mode',
        '--sink',
        sink,
      ],
      code: 2,
      message: /"text".*columns are: id, customer, subject, body, status, priority, updated_at/,
    },
    {
      name: 'missing key column',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--key-col',
        'ticket_id',
        '--shadow-mode',
        '--sink',
        sink,
      ],
      code: 2,
      message: /Key column "ticket_id".*columns are:/,
    },
    {
      name: 'no API key',
      args: ['embed', '--table', ticketsTable, '--text-col', 'body', '--sink', sink],
      code: 2,
      message: /OPENAI_API_KEY is not set.*--shadow-mode/,
    },
    {
      name: 'unknown provider',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--model',
        'acme/embed-1',
        '--shadow-mode',
      ],
      code: 2,
      message: /Unknown model provider "acme"/,
    },
    {
      name: 'model without provider',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--model',
        'text-embedding-3-small',
      ],
      code: 2,
      message: /provider\/model/,
    },
    {
      name: 'unknown sink scheme',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        'redis://localhost/x',
      ],
      code: 2,
      message: /Unknown sink scheme "redis:\/\/"/,
    },
    {
      name: 'catalog table without Spark',
      args: ['embed', '--table', 'main.support.tickets', '--text-col', 'body', '--shadow-mode'],
      code: 2,
      message: /needs the Spark engine: pass --spark/,
    },
    {
      name: 'a missing plugin package',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        'qdrant://localhost:6333/tickets',
      ],
      code: 1,
      message: /install it with "npm install @drift-spark\/sink-qdrant"/,
      missing: ['@drift-spark/sink-qdrant'],
    },
    {
      name: 'the Spark engine not installed',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--shadow-mode',
        '--spark',
        'sc://localhost:1',
      ],
      code: 1,
      message: /install it with "npm install @drift-spark\/source-delta-spark"/,
      missing: ['@drift-spark/source-delta-spark'],
    },
    {
      name: 'a bad number',
      args: ['embed', '--table', ticketsTable, '--text-col', 'body', '--batch-size', 'many'],
      code: 2,
      message: /--batch-size.*whole number/,
    },
    {
      name: 'a missing flag',
      args: ['embed', '--table', ticketsTable],
      code: 2,
      message: /--text-col/,
    },
    { name: 'an unknown command', args: ['embedd'], code: 2, message: /unknown command/ },
    {
      name: 'a version past the latest',
      args: [
        'embed',
        '--table',
        ticketsTable,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        sink,
        '--version',
        '99',
      ],
      code: 2,
      message: /past the table's latest version, 4/,
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'drift-cli-'));
      mkdirSync(join(cwd, '@plain-dir'));
      writeFileSync(join(cwd, '@plain-dir', 'data.csv'), 'id,body\n1,hello\n');
      const world = createTestWorld({ missing: testCase.missing });
      const run = await runInProcess(testCase.args, world, {
        cwd,
        env: { NO_COLOR: '1', HOME: cwd, ...testCase.env },
      });
      expect(run.code).toBe(testCase.code);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^drift: /);
      expect(lines[0]).toMatch(testCase.message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('with --json, an error is also one object on stdout', async () => {
    const world = createTestWorld();
    const run = await runInProcess(
      ['embed', '--table', './nowhere', '--text-col', 'body', '--shadow-mode', '--json'],
      world,
    );
    expect(run.code).toBe(2);
    expect(json(run.stdout)).toMatchObject({ status: 'failed', error: { code: 'usage' } });
  });
});

describe('help', () => {
  for (const command of [
    'demo',
    'embed',
    'watch',
    'status',
    'runs',
    'cost',
    'provenance',
    'search',
  ]) {
    it(`drift ${command} --help shows an example and exits 0`, async () => {
      const run = await runInProcess([command, '--help'], createTestWorld());
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: drift ${command}`);
      expect(run.stdout).toMatch(new RegExp(`Examples:\\n  \\$ drift ${command}\\b`));
    });
  }
});
