/**
 * Issue 16's bound, a phase of bench/src/all.ts: the peak RSS of a `drift embed` of ROWS rows
 * into the default sink (LanceDB, its index built), shadow vectors, each run in a fresh
 * folder with a fresh ledger, exactly as a user's first embed. `DEFAULT_EMBED_ROWS=100000`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { drift, driftEnv } from './drift-process.js';
import type { MemoryPhase } from './memory-phases.js';

export interface DefaultEmbedOptions {
  rows: number;
  /** A Delta table of `rows` rows. */
  table: string;
  /** A folder for the runs; removed after each. */
  work: string;
  repeat: number;
}

export async function defaultEmbedPhase(options: DefaultEmbedOptions): Promise<MemoryPhase> {
  const { rows, table, work, repeat } = options;
  const phase: MemoryPhase = { phase: `default embed, LanceDB + index (${rows} rows)`, drift: [] };
  for (let run = 0; run < repeat; run++) {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const env = driftEnv(work);
    try {
      const args = ['embed', '--table', table, '--key-col', 'id', '--text-col', 'text'];
      const { seconds, rssMb } = await drift([...args, '--shadow-mode'], env, work);
      phase.drift.push({ seconds, rssMb });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return phase;
}
