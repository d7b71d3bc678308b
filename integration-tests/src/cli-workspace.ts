import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  type DriftRun,
  parseJson,
  pythonPath,
  runDrift,
  seededRandom,
} from './cli-harness.js';

/** A temporary folder for one test file: the tables, sinks and ledgers it writes, and HOME. */
export interface CliWorkspace {
  readonly work: string;
  /** A delta-rs writer open for the whole file (with `writer: true`). */
  readonly writer: DeltaWriter;
  /** The environment of a child `drift`: see `childEnv`. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs the built `drift` in the workspace, with `extra` over its environment. */
  drift(args: string[], extra?: NodeJS.ProcessEnv): Promise<DriftRun>;
  /** The same, expecting exit 0: its --json object. */
  driftJson(args: string[], extra?: NodeJS.ProcessEnv): Promise<Record<string, unknown>>;
}

export interface CliWorkspaceOptions {
  /** Open a Delta writer for the file's tests. */
  writer?: boolean;
  /** Environment variables the file needs from scripts/with-services.sh, e.g. DATABASE_URL. */
  services?: string[];
  /** Over the child environment (given the workspace folder). */
  env?: (work: string) => NodeJS.ProcessEnv;
}

/**
 * Registers the `beforeAll`/`afterAll` of a CLI test file: checks the build and the services,
 * makes the folder (kept with KEEP=1), opens the writer; fields are set once `beforeAll` ran.
 */
export function useCliWorkspace(prefix: string, options: CliWorkspaceOptions = {}): CliWorkspace {
  const space = {
    drift: (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      runDrift(args, { cwd: space.work, env: { ...space.env, ...extra } }),
    driftJson: async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const run = await space.drift(args, extra);
      expect(run.code, run.stderr).toBe(0);
      return parseJson(run);
    },
  } as { -readonly [K in keyof CliWorkspace]: CliWorkspace[K] };
  beforeAll(() => {
    assertBuilt();
    requireServices(options.services ?? []);
    space.work = mkdtempSync(join(tmpdir(), `drift-cli-${prefix}-`));
    space.env = childEnv(space.work, options.env?.(space.work));
    if (options.writer) space.writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    space.writer?.close();
    if (space.work && !process.env.KEEP) rmSync(space.work, { recursive: true, force: true });
  });
  return space;
}

/** Fails the file at once, saying how to start what it needs. */
export function requireServices(names: string[]): void {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length > 0)
    throw new Error(
      `${missing.join(' and ')} must be set: run under DRIFT_SERVICES="postgres qdrant" bash scripts/with-services.sh.`,
    );
}

/** A seeded generator for a randomized test, its seed printed for a replay (DRIFT_TEST_SEED). */
export function testSeed(name: string): { seed: number; random: () => number } {
  const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
  console.info(`${name} seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
  return { seed, random: seededRandom(seed) };
}

/** Runs `write` with a Delta writer closed after it: for tables a file writes once, up front. */
export async function withDeltaWriter(
  write: (writer: DeltaWriter) => Promise<unknown>,
): Promise<void> {
  const writer = new DeltaWriter(pythonPath());
  try {
    await write(writer);
  } finally {
    writer.close();
  }
}
