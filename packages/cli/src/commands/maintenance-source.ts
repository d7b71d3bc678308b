import type { Ledger, Sink, Source } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../errors/cli-error.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import { createSource, parseTable } from '../resolve/resolve-table.js';
import { recordedModel } from './sink-reading.js';

/** Opens the table a maintenance command names (closed through `close`). */
export async function openTable(
  table: string,
  spark: string | undefined,
  io: CliIo,
  close: (closer: () => Promise<void> | void) => void,
): Promise<{ source: Source; sourceId: string }> {
  const target = parseTable(table, io.cwd);
  const sparkRemote = spark ?? (target.kind === 'catalog' ? io.env.SPARK_REMOTE : undefined);
  const source = await createSource({ target, sparkRemote, importer: io.importer });
  if (source.close) close(() => source.close?.());
  const description = await source.describe({ signal: io.signal });
  return { source, sourceId: description.id };
}

/**
 * A sink the ledger recorded, opened by its id (credentials from the environment) with
 * the model and dimensions of its last run, ready to delete, retrieve and scan.
 */
export async function openRecordedSink(
  sinkId: string,
  ledger: Ledger,
  io: CliIo,
  close: (closer: () => Promise<void> | void) => void,
): Promise<Sink> {
  const sink = await createSinkFromUri(sinkId, io.importer, io.cwd);
  close(() => sink.close());
  const recorded = await recordedModel(ledger, sinkId);
  if (!recorded)
    throw new CliError(
      `The ledger does not say which model the sink ${sinkId} holds; run drift embed into it once, or pass --model.`,
    );
  await sink.open({
    dimensions: recorded.dimensions,
    distance: 'cosine',
    model: recorded.model,
    signal: io.signal,
  });
  return sink;
}
