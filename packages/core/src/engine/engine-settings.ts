import type { ChunkSpec } from '../chunking/chunk-spec.js';
import { hasRetiredVectors } from '../ledger-support/ledger-capabilities.js';
import type { Ledger } from '../spec/ledger-v1.js';
import { checkedChunking, chunkStage } from './engine-chunk-settings.js';
import { ledgerDescribesSink } from './engine-ephemeral.js';
import type { PrepareContext } from './engine-prepare.js';
import type { ReaderContext } from './engine-reader.js';
import { type ResolvedRetryOptions, resolveRetryOptions } from './engine-retry.js';
import type { RunOptions } from './engine-types.js';

/** A run's options with every default applied: computed once per run, read by every stage. */
export interface RunSettings {
  readonly textColumn: string;
  readonly keyColumns: string[];
  /** Undefined when the run stores no metadata. */
  readonly metadataColumns: string[] | undefined;
  /** Columns the run reads: keys, text, metadata, each once. */
  readonly columns: string[];
  readonly batchSize: number;
  /** Skip unchanged rows: asked for, and the ledger describes the sink. */
  readonly dedup: boolean;
  readonly storeContent: boolean;
  readonly includeForgotten: boolean;
  readonly maxCostUsd: number | undefined;
  readonly location: string | undefined;
  /** Points per upsert/delete call at most (the sink's `maxPointsPerWrite`, or no limit). */
  readonly maxPointsPerWrite: number;
  /** Embedder calls in flight at most, capped by the embedder's own limit. */
  readonly concurrency: number;
  readonly retry: ResolvedRetryOptions;
  /** Chunking of each row's text, when asked for. */
  readonly chunking: ChunkSpec | undefined;
}

/** The key columns a run uses: the ones given, or `['id']`. */
export function keyColumnsOf(keyColumns: string[] | undefined): string[] {
  return keyColumns && keyColumns.length > 0 ? [...keyColumns] : ['id'];
}

/** Rows per source batch: the one given (at least 1), or 1000. */
export function batchSizeOf(batchSize: number | undefined, fallback = 1000): number {
  return Math.max(1, Math.floor(batchSize ?? fallback));
}

export function runSettings(options: RunOptions): RunSettings {
  const keyColumns = keyColumnsOf(options.keyColumns);
  const metadataColumns =
    options.metadataColumns && options.metadataColumns.length > 0
      ? [...options.metadataColumns]
      : undefined;
  const maxPoints = options.sink.capabilities?.maxPointsPerWrite;
  return {
    textColumn: options.textColumn,
    keyColumns,
    metadataColumns,
    columns: [...new Set([...keyColumns, options.textColumn, ...(metadataColumns ?? [])])],
    batchSize: batchSizeOf(options.batchSize),
    dedup: (options.dedup ?? true) && ledgerDescribesSink(options.sink),
    storeContent: options.storeContent ?? true,
    includeForgotten: options.includeForgotten ?? false,
    maxCostUsd: options.maxCostUsd,
    location: options.location,
    maxPointsPerWrite:
      maxPoints !== undefined && maxPoints > 0 ? Math.floor(maxPoints) : Number.POSITIVE_INFINITY,
    concurrency: Math.max(
      1,
      Math.min(options.concurrency ?? 4, options.embedder.limits.maxConcurrentCalls || 1),
    ),
    retry: resolveRetryOptions(options.retry),
    chunking: checkedChunking(options),
  };
}

/** What the reader needs of a run: where to read, which columns, how many rows at a time, how to chunk. */
export function readerContext(
  options: Pick<RunOptions, 'source' | 'signal' | 'sink' | 'ledger' | 'embedder'>,
  settings: RunSettings,
): ReaderContext {
  return {
    ...(settings.chunking ? { chunks: chunkStage(options, settings.chunking) } : {}),
    source: options.source,
    sourceId: options.source.id,
    keyColumns: settings.keyColumns,
    textColumn: settings.textColumn,
    columns: settings.columns,
    batchSize: settings.batchSize,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * What the hash + dedup step needs of a run: the ledger it reads (`dedupLedger`, the
 * sink-checked one after a loss) and the erased-rows lookup, unless the run re-embeds
 * forgotten rows or the ledger cannot tell.
 */
export function prepareContext(
  run: { ledger: Ledger; sinkId: string; fingerprint: string; signal?: AbortSignal | undefined },
  settings: RunSettings,
  dedupLedger: PrepareContext['ledger'] = run.ledger,
): PrepareContext {
  const { ledger } = run;
  return {
    ledger: dedupLedger,
    sinkId: run.sinkId,
    fingerprint: run.fingerprint,
    dedup: settings.dedup,
    refreshChanged: settings.metadataColumns !== undefined,
    ...(settings.includeForgotten || typeof ledger.erasedPoints !== 'function'
      ? {}
      : { erasedPoints: (ids: string[]) => ledger.erasedPoints!(ids) }),
    ...(settings.dedup && hasRetiredVectors(ledger)
      ? {
          retiredVectors: (hashes: string[]) =>
            ledger.findRetiredVectors(run.sinkId, run.fingerprint, hashes),
        }
      : {}),
    ...(run.signal ? { signal: run.signal } : {}),
  };
}
