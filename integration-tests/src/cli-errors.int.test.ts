import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zeroCounters } from '@drift-spark/core/internal';
import { createSqliteLedger } from '@drift-spark/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  type DriftRun,
  parseJson,
  pythonPath,
  repoRoot,
  runDrift,
} from './cli-harness.js';

const tickets = `${repoRoot}examples/tickets`;

/** One line on stderr, starting `drift: `, no stack trace, and exit 1 or 2. */
function expectOneClearLine(run: DriftRun, code: 1 | 2, message: RegExp): void {
  // Progress notes (the embedded database starting, plain progress lines) may come first.
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((line) => !/^(starting the embedded database|progress: )/.test(line));
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^drift: /);
  expect(lines[0]).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at |node:internal/);
  expect(run.code, run.stderr).toBe(code);
}

describe('the errors a new user hits, through the built drift binary and the real plugins', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let noCdfTable: string;
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runDrift(args, { cwd: work, env: { ...env, ...extra } });

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-errors-'));
    env = childEnv(work, { DRIFT_LEDGER: join(work, 'ledger.db') });
    mkdirSync(join(work, 'plain'));
    writeFileSync(join(work, 'plain', 'tickets.csv'), 'id,body\n1,hello\n');
    noCdfTable = join(work, 'no-cdf');
    const writer = new DeltaWriter(pythonPath());
    try {
      await writer.request({
        op: 'create',
        path: noCdfTable,
        rows: [{ id: 1, body: 'hello', category: null, n: 1 }],
        changeDataFeed: false,
      });
    } finally {
      writer.close();
    }
  });
  afterAll(() => {
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('a wrong path', async () => {
    expectOneClearLine(
      await run(['embed', '--table', './tickets', '--text-col', 'body', '--shadow-mode']),
      2,
      /No table at \.\/tickets.*check --table/,
    );
  });

  it('a folder that is not a Delta table', async () => {
    expectOneClearLine(
      await run(['embed', '--table', './plain', '--text-col', 'body', '--shadow-mode']),
      2,
      /not a Delta table \(it has no _delta_log/,
    );
  });

  it('a missing column, listing the columns there are', async () => {
    expectOneClearLine(
      await run(['embed', '--table', tickets, '--text-col', 'text', '--shadow-mode']),
      2,
      /Column "text" \(--text-col\) is not in .*columns are: id, customer, subject, body, status, priority, updated_at/,
    );
  });

  it('no API key and no --shadow-mode', async () => {
    expectOneClearLine(
      await run(['embed', '--table', tickets, '--text-col', 'body']),
      2,
      /OPENAI_API_KEY is not set: export OPENAI_API_KEY .* or add --shadow-mode/,
    );
  });

  it('an unknown model', async () => {
    expectOneClearLine(
      await run([
        'embed',
        '--table',
        tickets,
        '--text-col',
        'body',
        '--model',
        'openai/text-embedding-9',
        '--shadow-mode',
      ]),
      2,
      /openai\/text-embedding-9.*--dimensions/,
    );
    expectOneClearLine(
      await run([
        'embed',
        '--table',
        tickets,
        '--text-col',
        'body',
        '--model',
        'cohere/embed-v4',
        '--shadow-mode',
      ]),
      2,
      /Unknown model provider "cohere"/,
    );
  });

  it('an unknown sink scheme', async () => {
    expectOneClearLine(
      await run([
        'embed',
        '--table',
        tickets,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        'milvus://localhost:19530/tickets',
      ]),
      2,
      /Unknown sink scheme "milvus:\/\/": use one of pglite:\/\//,
    );
  });

  it('a sink that cannot be reached', async () => {
    const unreachable = await run([
      'embed',
      '--table',
      tickets,
      '--text-col',
      'body',
      '--shadow-mode',
      '--sink',
      'postgres://drift:secret@127.0.0.1:1/app?table=tickets',
    ]);
    expectOneClearLine(
      unreachable,
      1,
      /Cannot reach the sink pg:\/\/drift@127\.0\.0\.1:1\/app\?table=tickets \(ECONNREFUSED\)/,
    );
    expect(unreachable.stderr).not.toContain('secret');
  });

  it('a ledger locked by another run on the same table and sink', async () => {
    const sink = `pglite://${join(work, 'locked')}?table=tickets`;
    const first = parseJson(
      await run([
        'embed',
        '--table',
        tickets,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        sink,
        '--json',
      ]),
    );
    expect(first.status).toBe('succeeded');
    // This test process takes the lock, as a run still going would.
    const ledger = createSqliteLedger({ path: join(work, 'ledger.db') });
    const runId = '00000000-0000-4000-8000-00000000beef';
    await ledger.startRun({
      runId,
      kind: 'sync',
      sourceId: String(first.source),
      sinkId: String(first.sink),
      model: 'openai/text-embedding-3-small',
      fingerprint: 'shadow:openai/text-embedding-3-small@1536',
      usdPerMillionTokens: 0,
      priceSource: 'shadow',
      startedAt: new Date(),
    });
    try {
      const locked = await run([
        'embed',
        '--table',
        tickets,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        sink,
      ]);
      expectOneClearLine(locked, 1, new RegExp(runId));
    } finally {
      await ledger.finishRun(runId, {
        status: 'failed',
        counters: zeroCounters(),
        finishedAt: new Date(),
        error: 'test lock released',
      });
      await ledger.close();
    }
    // Released: the next run goes through, with nothing left to embed.
    const after = parseJson(
      await run([
        'embed',
        '--table',
        tickets,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        sink,
        '--json',
      ]),
    );
    expect(after).toMatchObject({ status: 'succeeded', rowsEmbedded: 0 });
  });

  it('a catalog table name without Spark', async () => {
    expectOneClearLine(
      await run([
        'watch',
        '--table',
        'main.support.tickets',
        '--text-col',
        'body',
        '--shadow-mode',
      ]),
      2,
      /needs the Spark engine: pass --spark sc:\/\/host:15002/,
    );
  });

  it('watch on a table without Change Data Feed', async () => {
    expectOneClearLine(
      await run(['watch', '--table', noCdfTable, '--text-col', 'body', '--shadow-mode']),
      2,
      /no Change Data Feed.*delta\.enableChangeDataFeed/,
    );
  });

  it('a usage error from the flags', async () => {
    expectOneClearLine(await run(['embed', '--table', tickets]), 2, /--text-col/);
    expectOneClearLine(
      await run(['search', '--sink', 'pglite://./x?table=t', '--k', 'ten', 'refund']),
      2,
      /--k/,
    );
  });
});
