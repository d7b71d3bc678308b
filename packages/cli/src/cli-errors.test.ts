import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestWorld, runInProcess, ticketsTable } from './testing/in-process.js';
import { onlyJson as json, onTickets, memorySink as sink } from './testing/ticket-args.js';

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
      args: onTickets('embed', '--key-col', 'ticket_id', '--shadow-mode', '--sink', sink),
      code: 2,
      message: /Key column "ticket_id".*columns are:/,
    },
    {
      name: 'no API key',
      args: onTickets('embed', '--sink', sink),
      code: 2,
      message: /OPENAI_API_KEY is not set.*--shadow-mode/,
    },
    {
      name: 'unknown provider',
      args: onTickets('embed', '--model', 'acme/embed-1', '--shadow-mode'),
      code: 2,
      message: /Unknown model provider "acme"/,
    },
    {
      name: 'model without provider',
      args: onTickets('embed', '--model', 'text-embedding-3-small'),
      code: 2,
      message: /provider\/model/,
    },
    {
      name: 'unknown sink scheme',
      args: onTickets('embed', '--shadow-mode', '--sink', 'redis://localhost/x'),
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
      args: onTickets('embed', '--shadow-mode', '--sink', 'qdrant://localhost:6333/tickets'),
      code: 1,
      message: /install it with "npm install @drift-spark\/sink-qdrant"/,
      missing: ['@drift-spark/sink-qdrant'],
    },
    {
      name: 'the Spark engine not installed',
      args: onTickets('embed', '--shadow-mode', '--spark', 'sc://localhost:1'),
      code: 1,
      message: /install it with "npm install @drift-spark\/source-delta-spark"/,
      missing: ['@drift-spark/source-delta-spark'],
    },
    {
      name: 'a bad number',
      args: onTickets('embed', '--batch-size', 'many'),
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
      args: onTickets('embed', '--shadow-mode', '--sink', sink, '--version', '99'),
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
