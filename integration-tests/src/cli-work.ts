import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { assertBuilt, DeltaWriter, pythonPath } from './cli-harness.js';

/** The servers `scripts/with-services.sh` starts, by the variable that says where each is. */
const services = { DATABASE_URL: 'postgres', QDRANT_URL: 'qdrant' } as const;

export interface CliWork {
  /** The test's folder (kept after the run with KEEP=1). */
  readonly work: string;
  /** A Delta writer (delta-rs through Python), when asked for. */
  readonly writer: DeltaWriter;
}

/**
 * The set-up of a describe block that drives the built binary: the build checked, the
 * servers it needs checked up front (one line saying how to start them), a work folder,
 * and a Delta writer when `writer` is set; all of it removed after the block.
 */
export function useCliWork(
  prefix: string,
  options: { needs?: (keyof typeof services)[]; writer?: boolean } = {},
): CliWork {
  let work = '';
  let writer: DeltaWriter | undefined;
  beforeAll(() => {
    assertBuilt();
    const missing = (options.needs ?? []).filter((name) => !process.env[name]);
    if (missing.length > 0) {
      const names = (options.needs ?? []).map((name) => services[name]).join(' ');
      throw new Error(
        `${missing.join(' and ')} must be set: run under DRIFT_SERVICES="${names}" bash scripts/with-services.sh.`,
      );
    }
    work = mkdtempSync(join(tmpdir(), prefix));
    if (options.writer) writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });
  return {
    get work() {
      return work;
    },
    get writer() {
      if (!writer) throw new Error('useCliWork: pass { writer: true } for a Delta writer.');
      return writer;
    },
  };
}
