import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowArgs } from './cli-args.js';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  driftBin,
  parseJson,
  pythonPath,
  runDrift,
} from './cli-harness.js';

const rowCount = 20_000;

/** Output of a child as it came, each chunk with the milliseconds since the spawn. */
interface TimedOutput {
  code: number | null;
  chunks: { at: number; text: string }[];
  text: string;
}

/** Runs the built drift under `script`, so its stderr is a pseudo-terminal. */
function runInTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TimedOutput> {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, driftBin, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: { ...env, TERM: 'xterm' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: { at: number; text: string }[] = [];
    child.stdout.on('data', (chunk: Buffer) =>
      chunks.push({ at: Date.now() - started, text: chunk.toString() }),
    );
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, chunks, text: chunks.map((chunk) => chunk.text).join('') }),
    );
  });
}

/** When the output so far first matched `pattern`, in ms since the spawn. */
function firstMatch(output: TimedOutput, pattern: RegExp): number | undefined {
  let text = '';
  for (const chunk of output.chunks) {
    text += chunk.text;
    if (pattern.test(text)) return chunk.at;
  }
  return undefined;
}

const plainLine =
  /^progress: [\d,]+\/20,000 rows \(\d+%\) \| [\d,]+ rows\/s \| ETA (…|\d[\w ]*) \|/;

describe('progress a person can read: a 20k-row embed through the built drift binary', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const embedArgs = (sinkTable: string, ...extra: string[]) =>
    shadowArgs(
      'embed',
      join(work, 'tickets'),
      // One PGlite directory for the whole file: its first start (initdb) is paid once.
      '--sink',
      `pglite://./.drift/db?table=${sinkTable}`,
      ...extra,
    );

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-progress-'));
    env = childEnv(work, { DRIFT_LEDGER: join(work, 'ledger.db') });
    const writer = new DeltaWriter(pythonPath());
    try {
      const rows = Array.from({ length: rowCount }, (_, id) => ({
        id,
        body: `ticket ${id}: the printer on floor ${id % 17} shows error ${(id * 7919) % 1000}`,
        category: null,
        n: id,
      }));
      await writer.request({ op: 'create', path: join(work, 'tickets'), rows });
    } finally {
      writer.close();
    }
  });
  afterAll(() => {
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('on a terminal: says the embedded database is starting, then a bar with a percentage and ETA within 2 s of the run starting', async () => {
    const run = await runInTerminal(embedArgs('terminal', '--batch-size', '250'), work, env);
    expect(run.code, run.text).toBe(0);
    const databaseNote = firstMatch(
      run,
      /starting the embedded database \(PGlite\) at \.\/\.drift\/db/,
    );
    const barStart = firstMatch(run, / 0% \| 0\/20,000 rows \| ETA …/);
    const barWithEta = firstMatch(run, / \d+% \| [1-9][\d,]*\/20,000 rows \| ETA \d+ (s|min)/);
    expect(databaseNote, run.text).toBeDefined();
    expect(barStart, run.text).toBeDefined();
    expect(barWithEta, run.text).toBeDefined();
    expect(databaseNote!).toBeLessThanOrEqual(barStart!);
    // The first frame after the start already has the percentage and the ETA (one batch is enough).
    const frames = run.text.split('\u001b[1G').filter((frame) => frame.includes('/20,000 rows'));
    expect(frames[1]).toMatch(/^ \S+ \d+% \| [\d,]+\/20,000 rows \| ETA \d/);
    // 2 s on an idle machine; this bound grows with the load the test machine is under.
    const contention = Math.max(1, loadavg()[0]! / availableParallelism());
    expect(barWithEta! - barStart!, run.text).toBeLessThanOrEqual(2000 * contention);
    expect(run.text).toMatch(/20,000 rows: 20,000 embedded/);
  });

  it('piped: plain progress lines on stderr every few seconds, and none with --json', async () => {
    const piped = await runDrift(embedArgs('piped'), {
      cwd: work,
      env: { ...env, DRIFT_PROGRESS_INTERVAL: '1' },
    });
    expect(piped.code, piped.stderr).toBe(0);
    // No bar, no cursor moves: nothing but lines.
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain('\u001b');
    const lines = piped.stderr.trim().split('\n');
    expect(lines[0]).toBe('starting the embedded database (PGlite) at ./.drift/db…');
    expect(lines[1]).toMatch(
      /^starting the embedded database \(PGlite\) at \.\/\.drift\/db: ready in /,
    );
    const progress = lines.filter((line) => line.startsWith('progress:'));
    expect(progress.length, piped.stderr).toBeGreaterThanOrEqual(2);
    for (const line of progress) expect(line).toMatch(plainLine);
    expect(
      progress.some((line) => /ETA \d/.test(line)),
      piped.stderr,
    ).toBe(true);

    const json = await runDrift(embedArgs('json', '--json'), {
      cwd: work,
      env: { ...env, DRIFT_PROGRESS_INTERVAL: '1' },
    });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).toBe('');
    expect(parseJson(json)).toMatchObject({ status: 'succeeded', rowsEmbedded: rowCount });
  });

  /** Starts an embed, sends `signal` once rows flow; the exit code, stderr and the run as recorded. */
  async function interrupt(sinkTable: string, signal: NodeJS.Signals, args: string[]) {
    const child = spawn(process.execPath, [driftBin, ...args], {
      cwd: work,
      env: { ...env, DRIFT_PROGRESS_INTERVAL: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Interrupt once rows flow (a progress line past 0).
      if (/progress: [1-9][\d,]*\//.test(stderr) && child.exitCode === null) child.kill(signal);
    });
    child.stdout.resume();
    const code = await exited;
    const runs = parseJson(await runDrift(['runs', '--json'], { cwd: work, env }));
    const run = (runs.runs as Record<string, unknown>[]).find((candidate) =>
      String(candidate.sink).endsWith(`table=${sinkTable}`),
    );
    return { code, stderr, run };
  }

  it('Ctrl-C: exit 130, the run recorded as interrupted, and the same command finishes the job', async () => {
    const args = embedArgs('interrupted', '--batch-size', '250');
    const { code, stderr, run: interrupted } = await interrupt('interrupted', 'SIGINT', args);
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/recorded as interrupted; run the same command again/);
    expect(interrupted).toMatchObject({ status: 'failed' });
    expect(interrupted!.error).toMatch(/interrupted by SIGINT/);
    expect(interrupted!.rowsProcessed as number).toBeLessThan(rowCount);

    const again = parseJson(await runDrift([...args, '--json'], { cwd: work, env }));
    expect(again).toMatchObject({ status: 'succeeded', rowsProcessed: rowCount, rowsFailed: 0 });
    expect((again.rowsEmbedded as number) + (again.rowsDeduped as number)).toBe(rowCount);
    expect(again.rowsDeduped as number).toBe(interrupted!.rowsEmbedded);
  });

  it('SIGTERM: exit 143, the run recorded as interrupted by SIGTERM', async () => {
    const args = embedArgs('terminated', '--batch-size', '250');
    const { code, stderr, run } = await interrupt('terminated', 'SIGTERM', args);
    expect(code, stderr).toBe(143);
    expect(run).toMatchObject({ status: 'failed' });
    expect(run!.error).toMatch(/interrupted by SIGTERM/);
  });
});
