import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** `:memory:` and SQLite's empty name are private, in-memory databases. */
export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

/**
 * The ledger file to open: the `path` option, else `DRIFT_LEDGER`, else
 * `~/.drift/ledger.db`. Read when the ledger is first used, not when it is created.
 */
export function resolveLedgerPath(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen =
    path ?? (env.DRIFT_LEDGER ? env.DRIFT_LEDGER : join(homedir(), '.drift', 'ledger.db'));
  return isMemoryPath(chosen) ? ':memory:' : resolve(chosen);
}

/** Creates the directory that will hold the ledger file. */
export function ensureLedgerDirectory(path: string): void {
  if (isMemoryPath(path)) return;
  mkdirSync(dirname(path), { recursive: true });
}
