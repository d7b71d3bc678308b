/**
 * The memory bound of bench/src/all.ts beside the Delta read: peak RSS of the Spark read and
 * of each sink's write path at MEMORY_ROWS rows (1M for the bound), each a process of its own
 * (`memory-child.mjs`). A path whose server is not up is left out and said so: Spark needs
 * SPARK_REMOTE, pgvector DATABASE_URL, Qdrant QDRANT_URL (scripts/with-services.sh sets them).
 */
import { rmSync } from 'node:fs';

export interface MemorySide {
  seconds: number;
  rssMb: number;
}

export interface MemoryPhase {
  phase: string;
  drift: MemorySide[];
}

export interface MemoryPhaseOptions {
  rows: number;
  /** Vector size of the shadow points (1536 = text-embedding-3-small). */
  dimensions: number;
  /** The Delta table of `rows` rows the Spark read scans. */
  table: string;
  /** A folder for PGlite and LanceDB; removed after each. */
  work: string;
  /** Runs `memory-child.mjs` with these words in a process of its own. */
  run: (args: string[]) => MemorySide;
}

export function memoryPhases(options: MemoryPhaseOptions): MemoryPhase[] {
  const { rows, dimensions, table, work, run } = options;
  const phases: MemoryPhase[] = [];
  if (process.env.SPARK_REMOTE)
    phases.push({ phase: `Spark read (${rows} rows)`, drift: [run(['spark', table])] });
  else console.log('Spark read skipped: no SPARK_REMOTE (DRIFT_SERVICES="postgres qdrant spark")');
  const sinks = [
    ['pgvector', 'pgvector COPY', process.env.DATABASE_URL],
    ['qdrant', 'Qdrant (stand-in)', process.env.QDRANT_URL],
    ['pglite', 'PGlite', 'in process'],
    ['lancedb', 'LanceDB', 'in process'],
  ] as const;
  for (const [mode, label, server] of sinks) {
    if (!server) {
      console.log(`${label} write skipped: its server is not up`);
      continue;
    }
    try {
      const side = run([mode, String(rows), String(dimensions), work]);
      phases.push({ phase: `${label} write (${rows} x ${dimensions}-d)`, drift: [side] });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return phases;
}
