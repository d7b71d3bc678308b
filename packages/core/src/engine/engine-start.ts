import { guardEmbedder, guardLedger, guardSink, guardSource } from '../guards/index.js';
import type { RunKind } from '../spec/ledger-v1.js';
import type { SinkOpenResult } from '../spec/sink-v1.js';
import type { SourceDescription } from '../spec/source-v1.js';
import { throwIfAborted } from './engine-retry.js';
import { type RunSettings, runSettings } from './engine-settings.js';
import { checkAgainstSink, findSinkLoss, type SinkLoss } from './engine-sink-truth.js';
import { RunState } from './engine-state.js';
import type { RunOptions } from './engine-types.js';
import { assertColumns, assertPlugins } from './engine-validate.js';

/**
 * The plugins as the engine uses them, guarded (open once, no use after close,
 * serialised where they ask, results checked), after their specification versions
 * are checked. The caller keeps ownership: the engine never closes them.
 */
export function guardPlugins<T extends RunOptions>(options: T): T {
  assertPlugins(options);
  return {
    ...options,
    source: guardSource(options.source),
    sink: guardSink(options.sink),
    embedder: guardEmbedder(options.embedder),
    ledger: guardLedger(options.ledger),
  };
}

/** Describes the source and checks the columns before anything is written (plugins already guarded). */
export async function prepareRun(
  options: RunOptions,
): Promise<{ description: SourceDescription; settings: RunSettings }> {
  throwIfAborted(options.signal);
  const description = await options.source.describe(
    options.signal ? { signal: options.signal } : {},
  );
  const settings = runSettings(options);
  assertColumns(description, settings);
  return { description, settings };
}

export async function openSink(options: RunOptions): Promise<SinkOpenResult | undefined> {
  const { embedder } = options;
  return (await options.sink.open({
    dimensions: embedder.dimensions,
    distance: 'cosine',
    model: embedder.id,
    ...(options.signal ? { signal: options.signal } : {}),
  })) as SinkOpenResult | undefined;
}

/** Opens the sink, and says whether it lost points the ledger records (see `sinkLoss`). */
export async function openForRun(options: RunOptions): Promise<SinkLoss | undefined> {
  return sinkLoss(options, await openSink(options));
}

/** With dedup on, whether the sink lost points the ledger records (it then checks every row). */
export function sinkLoss(
  options: RunOptions,
  opened: SinkOpenResult | undefined,
): Promise<SinkLoss | undefined> {
  if (options.dedup === false) return Promise.resolve(undefined);
  return findSinkLoss(options.sink, options.ledger, opened, options.signal);
}

/** The source's row count applies only to a scan of the version it describes. */
export function scanRowCount(description: SourceDescription, version: number | undefined) {
  return version === description.latestVersion ? description.rowCount : undefined;
}

/** The state of a run about to start, checking every row against the sink after a loss. */
export function newRunState(
  kind: RunKind,
  runId: string,
  options: RunOptions,
  settings: RunSettings,
  loss: SinkLoss | undefined,
): RunState {
  const state = new RunState(kind, runId, options, settings);
  checkAgainstSink(state, loss);
  return state;
}
