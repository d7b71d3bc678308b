import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zeroCounters } from '@drift-spark/core/internal';
import { createSqliteLedger } from '@drift-spark/ledger';
import { beforeAll, describe, expect, it } from 'vitest';
import { shadowArgs } from './cli-args.js';
import { type DriftRun, parseJson, repoRoot } from './cli-harness.js';
import { useCliWorkspace, withDeltaWriter } from './cli-workspace.js';

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
  const space = useCliWorkspace('errors', {
    env: (work) => ({ DRIFT_LEDGER: join(work, 'ledger.db') }),
  });
  let noCdfTable: string;
  const run = space.drift;

  beforeAll(async () => {
    const { work } = space;
    mkdirSync(join(work, 'plain'));
    writeFileSync(join(work, 'plain', 'tickets.csv'), 'id,body\n1,hello\n');
    noCdfTable = join(work, 'no-cdf');
    await withDeltaWriter((writer) =>
      writer.request({
        op: 'create',
        path: noCdfTable,
        rows: [{ id: 1, body: 'hello', category: null, n: 1 }],
        changeDataFeed: false,
      }),
    );
  });

  it('a wrong path', async () => {
    expectOneClearLine(
      await run(shadowArgs('embed', './tickets')),
      2,
      /No table at \.\/tickets.*check --table/,
    );
  });

  it('a folder that is not a Delta table', async () => {
    expectOneClearLine(
      await run(shadowArgs('embed', './plain')),
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
      await run(shadowArgs('embed', tickets, '--model', 'openai/text-embedding-9')),
      2,
      /openai\/text-embedding-9.*--dimensions/,
    );
    expectOneClearLine(
      await run(shadowArgs('embed', tickets, '--model', 'cohere/embed-v4')),
      2,
      /Unknown model provider "cohere"/,
    );
  });

  it('an unknown sink scheme', async () => {
    expectOneClearLine(
      await run(shadowArgs('embed', tickets, '--sink', 'milvus://localhost:19530/tickets')),
      2,
      /Unknown sink scheme "milvus:\/\/": use one of pglite:\/\//,
    );
  });

  it('a sink that cannot be reached', async () => {
    const unreachable = await run(
      shadowArgs(
        'embed',
        tickets,
        '--sink',
        'postgres://drift:secret@127.0.0.1:1/app?table=tickets',
      ),
    );
    expectOneClearLine(
      unreachable,
      1,
      /Cannot reach the sink pg:\/\/drift@127\.0\.0\.1:1\/app\?table=tickets \(ECONNREFUSED\)/,
    );
    expect(unreachable.stderr).not.toContain('secret');
  });

  it('a ledger locked by another run on the same table and sink', async () => {
    const sink = `pglite://${join(space.work, 'locked')}?table=tickets`;
    const first = parseJson(await run(shadowArgs('embed', tickets, '--sink', sink, '--json')));
    expect(first.status).toBe('succeeded');
    // This test process takes the lock, as a run still going would.
    const ledger = createSqliteLedger({ path: join(space.work, 'ledger.db') });
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
      const locked = await run(shadowArgs('embed', tickets, '--sink', sink));
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
    const after = parseJson(await run(shadowArgs('embed', tickets, '--sink', sink, '--json')));
    expect(after).toMatchObject({ status: 'succeeded', rowsEmbedded: 0 });
  });

  it('a catalog table name without Spark', async () => {
    expectOneClearLine(
      await run(shadowArgs('watch', 'main.support.tickets')),
      2,
      /needs the Spark engine: pass --spark sc:\/\/host:15002/,
    );
  });

  it('watch on a table without Change Data Feed', async () => {
    expectOneClearLine(
      await run(shadowArgs('watch', noCdfTable)),
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
