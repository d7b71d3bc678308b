import { type ChildProcess, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '../../tooling/provider-test-server/src/index.js';
import { shadowArgs } from './cli-args.js';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  type DriftRun,
  parseJson,
  pythonPath,
  runDrift,
} from './cli-harness.js';

/**
 * What drift says about runs and tables in odd states, through the built binary: a killed
 * run, a run stopped by SIGTERM under --json, a table folder it may not read, a damaged
 * ledger, a watch with nothing new.
 */

const documented = [
  'runId',
  'status',
  'rowsProcessed',
  'rowsDeduped',
  'rowsEmbedded',
  'rowsReused',
  'rowsSkipped',
  'rowsFailed',
  'tokens',
  'costUsd',
  'durationS',
];
const documentedWatch = [
  ...documented,
  'sinceVersion',
  'toVersion',
  'inserted',
  'updated',
  'deleted',
];

const rows = Array.from({ length: 40 }, (_, index) => ({
  id: index + 1,
  body: `ticket ${index + 1}: a question about invoice ${index * 13}`,
  category: null,
  n: index,
}));

function oneErrorLine(run: DriftRun, message: RegExp): void {
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^drift: /);
  expect(lines[0]).toMatch(message);
  expect(run.code, run.stderr).toBe(1);
}

describe('runs and tables in odd states, through the built drift binary', () => {
  let work: string;
  let table: string;
  let env: NodeJS.ProcessEnv;
  let provider: TestServer;
  let writer: DeltaWriter;
  const run = (args: string[], options: { onStart?: (child: ChildProcess) => void } = {}) =>
    runDrift(args, { cwd: work, env, ...options });
  const embedArgs = (kind: 'embed' | 'watch', sink: string) => [
    kind,
    '--table',
    table,
    '--text-col',
    'body',
    '--sink',
    sink,
    '--batch-size',
    '4',
    '--concurrency',
    '1',
  ];
  /** Sends `signal` to the child once the (slow) provider has received its first call. */
  const signalAfterFirstCall = (signal: NodeJS.Signals) => (child: ChildProcess) => {
    const before = provider.requestsTo(openAIEmbeddingsRoute).length;
    const timer = setInterval(() => {
      if (provider.requestsTo(openAIEmbeddingsRoute).length > before) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 50);
    child.on('close', () => clearInterval(timer));
  };

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-run-state-'));
    chmodSync(work, 0o777);
    table = join(work, 'tickets');
    provider = await startTestServer({
      [openAIEmbeddingsRoute]: openAIEmbeddingsHandler({ delayMs: 1500 }),
    });
    env = childEnv(work, {
      DRIFT_LEDGER: join(work, 'ledger.db'),
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${provider.url}/v1`,
    });
    writer = new DeltaWriter(pythonPath());
    await writer.request({ op: 'create', path: table, rows });
  });
  afterAll(async () => {
    writer?.close();
    await provider?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('a killed run is shown dead by runs and status, not "running"', async () => {
    const sink = `pglite://${join(work, 'killed')}?table=tickets`;
    const killed = await run(embedArgs('embed', sink), {
      onStart: signalAfterFirstCall('SIGKILL'),
    });
    expect(killed.signal).toBe('SIGKILL');
    const listed = parseJson(await run(['runs', '--sink', sink, '--json'])).runs as Record<
      string,
      unknown
    >[];
    expect(listed[0]).toMatchObject({ status: 'dead', processAlive: false });
    const text = await run(['runs', '--sink', sink]);
    expect(text.stdout).toMatch(/\bdead\b/);
    expect(text.stdout).toMatch(/is dead: its process \(pid \d+\) is gone/);
    const status = await run(['status', '--sink', sink]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/is dead: its process/);
    expect(status.stdout).not.toMatch(/\brunning\b/);
  });

  it('SIGTERM under --json prints the documented counters of the stopped run', async () => {
    for (const kind of ['embed', 'watch'] as const) {
      const sink = `pglite://${join(work, `term-${kind}`)}?table=tickets`;
      const stopped = await run([...embedArgs(kind, sink), '--json'], {
        onStart: signalAfterFirstCall('SIGTERM'),
      });
      // 128 + SIGTERM's number, as a shell expects of a command a signal stopped
      expect(stopped.code, stopped.stderr).toBe(143);
      const result = parseJson(stopped);
      for (const name of kind === 'watch' ? documentedWatch : documented)
        expect(result, `${kind} --json has ${name}`).toHaveProperty(name);
      expect(result.status).toBe('failed');
      expect(result.error).toMatchObject({ code: 'aborted' });
      expect(result.rowsProcessed).toBeGreaterThanOrEqual(0);
    }
  });

  it('a no-op watch reports sinceVersion = toVersion, the version the sink is at', async () => {
    const sink = `pglite://${join(work, 'noop')}?table=tickets`;
    const shadow = ['--shadow-mode', '--json'];
    const first = parseJson(await run([...embedArgs('watch', sink), ...shadow]));
    expect(first).toMatchObject({ status: 'succeeded', bootstrapped: true });
    const idle = parseJson(await run([...embedArgs('watch', sink), ...shadow]));
    expect(idle).toMatchObject({ status: 'succeeded', upToDate: true, rowsProcessed: 0 });
    expect(idle.sinceVersion).toBe(first.toVersion);
    expect(idle.toVersion).toBe(first.toVersion);
    const text = await run([...embedArgs('watch', sink), '--shadow-mode']);
    expect(text.stdout).toMatch(/no new versions \(table at version \d+\)/);
  });

  it('a table folder drift may not read says so, naming it', async () => {
    // Root reads everything: the runs go as nobody (65534), as a user without the right would.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const asUser = (args: string[]) =>
      runDrift(args, { cwd: work, env: { ...env, HOME: work }, ...(user ? { user } : {}) });
    const locked = join(work, 'locked');
    const lockedWriter = new DeltaWriter(pythonPath());
    try {
      await lockedWriter.request({ op: 'create', path: locked, rows: rows.slice(0, 3) });
    } finally {
      lockedWriter.close();
    }
    const embed = shadowArgs(
      'embed',
      locked,
      '--sink',
      'pglite://memory?table=t',
      '--ledger',
      join(work, 'nobody-ledger.db'),
    );
    try {
      chmodSync(locked, 0o700);
      if (!user) chmodSync(locked, 0o000);
      oneErrorLine(
        await asUser(embed),
        new RegExp(`Permission denied \\(EACCES\\) reading ${locked}: give the user`),
      );
      chmodSync(locked, 0o755);
      chmodSync(join(locked, '_delta_log'), user ? 0o700 : 0o000);
      oneErrorLine(
        await asUser(embed),
        // the log folder, or the first file read in it (_last_checkpoint)
        new RegExp(
          `Permission denied \\(EACCES\\) reading ${locked}/_delta_log(/\\S+)?: give the user`,
        ),
      );
    } finally {
      chmodSync(locked, 0o755);
      chmodSync(join(locked, '_delta_log'), 0o755);
    }
  });

  it('status on a damaged ledger exits 1 with one line', async () => {
    const ledger = join(work, 'damaged.db');
    const sink = `pglite://${join(work, 'damaged')}?table=tickets`;
    const withLedger = (args: string[]) => run([...args, '--ledger', ledger]);
    const embedded = await withLedger([...embedArgs('embed', sink), '--shadow-mode']);
    expect(embedded.code, embedded.stderr).toBe(0);
    expect((await withLedger(['status', '--sink', sink])).code).toBe(0);
    // Damage the page of the history_key index, which only provenance by key reads:
    // status used to say "in step" and exit 0 over such a file.
    const rootPage = Number(
      execFileSync(
        pythonPath(),
        [
          '-c',
          'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT rootpage FROM sqlite_master WHERE name = \'history_key\'").fetchone()[0])',
          ledger,
        ],
        { encoding: 'utf8' },
      ).trim(),
    );
    const bytes = readFileSync(ledger);
    const pageSize = bytes.readUInt16BE(16);
    const start = (rootPage - 1) * pageSize;
    for (let at = start; at < start + pageSize; at += 3) bytes[at] = 0xab;
    writeFileSync(ledger, bytes);
    const damaged = await withLedger(['status', '--sink', sink]);
    oneErrorLine(damaged, new RegExp(`ledger at ${ledger} is damaged .*--ledger`));
    const json = await withLedger(['status', '--sink', sink, '--json']);
    expect(json.code).toBe(1);
    expect(parseJson(json)).toMatchObject({ status: 'failed' });
  });
});
