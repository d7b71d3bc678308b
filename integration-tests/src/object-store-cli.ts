// What the CLI tests over object stores share: the store, folder and writer of a test file,
// a seeded random table with a checkpoint in its history, and the refused-credentials run.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { assertBuilt, DeltaWriter, pythonPath, runDrift, seededRandom } from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';

export interface StoreWorkspace<S> {
  readonly store: S;
  readonly work: string;
  readonly writer: DeltaWriter;
}

/**
 * Registers the `beforeAll`/`afterAll` of an object-store test file: starts the store
 * (`prepare` makes its bucket), a temporary folder (kept with KEEP=1) and a delta-rs writer.
 */
export function useStoreWorkspace<S extends { stop(): void }>(
  name: string,
  start: () => S,
  prepare: (store: S) => Promise<unknown>,
): StoreWorkspace<S> {
  const space = {} as { -readonly [K in keyof StoreWorkspace<S>]: StoreWorkspace<S>[K] };
  beforeAll(async () => {
    assertBuilt();
    space.store = start();
    await prepare(space.store);
    space.work = mkdtempSync(join(tmpdir(), `drift-cli-${name}-`));
    space.writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    space.writer?.close();
    space.store?.stop();
    if (space.work && !process.env.KEEP) rmSync(space.work, { recursive: true, force: true });
  });
  return space;
}

/**
 * A random table of 40 rows written at `uri` (seeded: the seed is printed for a replay with
 * DRIFT_TEST_SEED), then `firstCommits` random commits, a checkpoint and two more commits.
 */
export async function writeSeededTable(
  label: string,
  writer: DeltaWriter,
  uri: (seed: number) => string,
  options: { storageOptions?: Record<string, string>; firstCommits?: number } = {},
): Promise<{ seed: number; table: RandomTable }> {
  const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
  console.info(`${label} seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
  const table = new RandomTable(seededRandom(seed), writer);
  await table.create(uri(seed), 40, options.storageOptions);
  await table.randomCommits(options.firstCommits ?? 3);
  await writer.request({ op: 'checkpoint' });
  await table.randomCommits(2);
  return { seed, table };
}

/**
 * `drift embed` of `table` with credentials the store refuses: exit 1, one line on stderr
 * matching `message`, the secret in no output and not in the ledger, no sink written.
 */
export async function expectRefusedCredentials(options: {
  work: string;
  table: string;
  env: NodeJS.ProcessEnv;
  message: RegExp;
  secret: string;
}): Promise<void> {
  const { work, secret } = options;
  const sink = join(work, 'sink-denied');
  const ledger = join(work, 'denied.db');
  const run = await runDrift(
    [
      'embed',
      '--table',
      options.table,
      '--text-col',
      'body',
      '--shadow-mode',
      '--sink',
      `pglite://${sink}?table=t`,
      '--ledger',
      ledger,
      '--json',
    ],
    { cwd: work, env: options.env },
  );
  expect(run.code, run.stderr).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(options.message);
  expect(run.stdout + run.stderr).not.toContain(secret);
  expect(existsSync(sink)).toBe(false);
  if (existsSync(ledger)) expect(readFileSync(ledger).includes(secret)).toBe(false);
}
