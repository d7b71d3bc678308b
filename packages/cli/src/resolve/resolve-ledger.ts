import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Ledger } from '@drift-spark/core';
import { loadPluginFactory, type ModuleImporter } from '../plugins/load-plugin.js';
import { ledgerPlugin } from '../plugins/plugin-registry.js';

const LEDGER_CACHE_MIB = 16;

/** `--ledger`, else DRIFT_LEDGER, else ~/.drift/ledger.db. */
export function ledgerPath(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const chosen = option ?? env.DRIFT_LEDGER;
  if (chosen && chosen.trim() !== '') return resolvePath(cwd, chosen);
  return join(env.HOME && env.HOME !== '' ? env.HOME : homedir(), '.drift', 'ledger.db');
}

export async function openLedger(path: string, importer?: ModuleImporter): Promise<Ledger> {
  mkdirSync(dirname(path), { recursive: true });
  const factory = await loadPluginFactory<
    (options: { path: string; cacheSizeMiB?: number }) => Ledger
  >(ledgerPlugin, 'The ledger', importer);
  // 16 MiB of SQLite page cache, not the ledger's 64: ~50 MB less peak RSS on a 100k-row
  // embed for a slower lookup at 500k rows (bench/README.md, "Native memory").
  return factory({ path, cacheSizeMiB: LEDGER_CACHE_MIB });
}
