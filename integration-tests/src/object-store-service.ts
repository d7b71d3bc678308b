import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli-harness.js';

/**
 * Starts a store emulator with its script (`scripts/services/<name>.sh start`): the
 * `export …` lines it printed, and how to stop it.
 */
export function startServiceScript(name: string): { exports: string; stop(): void } {
  const script = `${repoRoot}scripts/services/${name}.sh`;
  return {
    exports: execFileSync('bash', [script, 'start'], { encoding: 'utf8' }),
    stop: () => execFileSync('bash', [script, 'stop'], { stdio: 'ignore' }),
  };
}

/** Every file below `directory`, recursively (a local table to upload). */
export function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
