import type {
  DriftEvent,
  Embedder,
  EmbedRunOptions,
  Ledger,
  Sink,
  Source,
  SyncRunOptions,
} from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { usageError } from '../errors/cli-error.js';
import { defaultModel, resolveEmbedder } from '../resolve/resolve-embedder.js';
import type { RunCommandOptions, RunKindFlag } from './run-command.js';

/** `--key-col` and `--metadata-col`, comma-separated, as column lists. */
export function runColumns(options: RunCommandOptions): {
  keyColumns: string[];
  metadataColumns: string[];
} {
  return {
    keyColumns: splitColumns(options.keyCol ?? 'id', '--key-col'),
    metadataColumns: options.metadataCol ? splitColumns(options.metadataCol, '--metadata-col') : [],
  };
}

/** The embedder `--model`, `--shadow-mode`, `--price` and `--dimensions` name. */
export function resolveRunEmbedder(options: RunCommandOptions, io: CliIo): Promise<Embedder> {
  return resolveEmbedder({
    model: options.model ?? defaultModel,
    shadow: options.shadowMode === true,
    price: options.price,
    dimensions: options.dimensions,
    env: io.env,
    importer: io.importer,
    cwd: io.cwd,
  });
}

function splitColumns(value: string, flag: string): string[] {
  const columns = value
    .split(',')
    .map((column) => column.trim())
    .filter((column) => column !== '');
  if (columns.length === 0)
    throw usageError(`${flag} is empty: name one column, or several separated by commas.`);
  return columns;
}

/** What the run was given, opened, besides the flags. */
export interface RunParts {
  source: Source;
  sink: Sink;
  embedder: Embedder;
  ledger: Ledger;
  keyColumns: string[];
  metadataColumns: string[];
  /** The table's location, redacted. */
  location: string;
  signal: AbortSignal | undefined;
  onEvent: (event: DriftEvent) => void;
}

/** The flags of `embed` and `watch` as the engine's run options. */
export function toRunOptions(
  kind: RunKindFlag,
  options: RunCommandOptions,
  parts: RunParts,
): EmbedRunOptions & SyncRunOptions {
  const runOptions: EmbedRunOptions & SyncRunOptions = {
    ...parts,
    textColumn: options.textCol,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    dedup: options.dedup,
    storeContent: options.storeContent,
    maxCostUsd: options.maxCost,
    includeForgotten: options.includeForgotten === true,
    ...(options.chunk ? { chunking: options.chunk } : {}),
    // run-command's finalizeSink builds the deferred index, showing its progress.
    finalize: false,
  };
  if (kind === 'embed') runOptions.version = options.version;
  else {
    runOptions.fromVersion = options.sinceVersion;
    runOptions.toVersion = options.toVersion;
  }
  return runOptions;
}
