import { parseChunkSpec } from '@drift-spark/core/internal';
import type { CliIo } from '../cli-io.js';
import type { RunCommandOptions } from '../commands/run-command.js';
import type { LoadedProject } from './load-project.js';

/** An index of the project file as the flags of `drift embed` / `drift watch`. */
export function runOptionsOf(
  loaded: LoadedProject,
  name: string,
  extra: Partial<RunCommandOptions> = {},
): RunCommandOptions {
  const index = loaded.project.indexes[name]!;
  const { source, embedder, budget } = index;
  const options: RunCommandOptions = {
    table: source.table,
    textCol: source.textColumn,
    keyCol: source.keyColumns.join(','),
    model: embedder.model,
    sink: index.sink,
    shadowMode: embedder.shadowMode,
  };
  const optional: Partial<RunCommandOptions> = {
    metadataCol: source.metadataColumns.length > 0 ? source.metadataColumns.join(',') : undefined,
    spark: source.spark,
    chunk: index.chunk === undefined ? undefined : parseChunkSpec(index.chunk),
    dimensions: embedder.dimensions,
    price: embedder.price,
    batchSize: index.batchSize,
    concurrency: index.concurrency,
    // maxCostPerDay caps each apply (apply-budget.ts): `--max-cost-per-day` is for --follow only.
    maxCost: budget?.maxCostPerRun,
    ledger: loaded.project.ledger,
    ...extra,
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  return options;
}

/** The CLI's io as seen from the project's folder: paths in the file are relative to it. */
export function projectIo(io: CliIo, loaded: LoadedProject): CliIo {
  return { ...io, cwd: loaded.dir };
}

/** An io whose stdout is kept (a command's `--json` result), its stderr passed through or kept. */
export function capturingIo(io: CliIo, options: { quiet?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const captured: CliIo = {
    ...io,
    stdout: { write: (chunk: string) => (stdout += chunk), isTTY: false },
    stderr: options.quiet
      ? { write: (chunk: string) => (stderr += chunk), isTTY: false }
      : io.stderr,
  };
  return {
    io: captured,
    /** The one JSON object the command printed (or undefined when it printed none). */
    json: (): Record<string, unknown> | undefined => {
      const line = stdout.trim().split('\n').pop();
      return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
    },
    stderr: () => stderr,
  };
}
