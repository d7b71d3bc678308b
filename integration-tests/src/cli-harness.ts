import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Helpers for the CLI end-to-end tests: the built `drift`, a real Delta writer, a seeded RNG. */

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI; DRIFT_BIN runs the tests against another build (e.g. to see them fail before a fix). */
export const driftBin = process.env.DRIFT_BIN ?? `${repoRoot}packages/cli/dist/bin.js`;

export function assertBuilt(): void {
  if (!existsSync(driftBin)) throw new Error(`${driftBin} is missing: run pnpm build first.`);
}

/** The environment a child `drift` sees: no key, no Spark, no colours, a home of its own. */
export function childEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', HOME: home, ...extra };
  for (const name of ['OPENAI_API_KEY', 'SPARK_REMOTE', 'DRIFT_LEDGER', 'FORCE_COLOR', 'CI']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

export interface DriftRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process. */
export function runDrift(
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    killAfterMs?: number;
    /** Run as this user (the test runs as root: a permission test needs someone else). */
    user?: { uid: number; gid: number };
    /** Called with the child once it runs (to signal it). */
    onStart?: (child: ChildProcess) => void;
  },
): Promise<DriftRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driftBin, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.user,
    });
    options.onStart?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let timer: NodeJS.Timeout | undefined;
    if (options.killAfterMs !== undefined)
      timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function parseJson(run: DriftRun): Record<string, unknown> {
  const lines = run.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '');
  if (lines.length !== 1)
    throw new Error(
      `expected one JSON line on stdout, got ${lines.length}:\n${run.stdout}\nstderr:\n${run.stderr}`,
    );
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

export function pythonPath(): string {
  return execFileSync('bash', [`${repoRoot}scripts/python-env.sh`], { encoding: 'utf8' }).trim();
}

export interface TicketRow {
  id: number;
  body: string | null;
  category: string | null;
  n: number | null;
}

/** A delta-rs writer in a Python child process; one request is one commit. */
export class DeltaWriter {
  private readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];

  constructor(python: string) {
    this.child = spawn(python, [fileURLToPath(new URL('./cli-delta-writer.py', import.meta.url))], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  async request(body: Record<string, unknown>): Promise<{ version: number; rows?: TicketRow[] }> {
    const reply = await new Promise<string>((resolve) => {
      this.pending.push(resolve);
      this.child.stdin!.write(`${JSON.stringify(body)}\n`);
    });
    const parsed = JSON.parse(reply) as { version: number; error?: string; rows?: TicketRow[] };
    if (parsed.error) throw new Error(`delta writer: ${parsed.error}`);
    return parsed;
  }

  close(): void {
    this.child.stdin!.end();
    this.lines.close();
  }
}

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** What the engine embeds: null for null, empty or blank text. */
export function embeddable(body: string | null): string | null {
  return body === null || body.trim() === '' ? null : body;
}
