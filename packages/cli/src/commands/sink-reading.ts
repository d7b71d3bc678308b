import { DriftError, ErrorCode, type Ledger, type Sink } from '@drift-spark/core';

/** The model and dimensions recorded for a sink's last run, read from its embedder fingerprint (`model@dims;…`). */
export async function recordedModel(
  ledger: Ledger,
  sinkId: string,
): Promise<{ model: string; dimensions: number } | undefined> {
  const runs = await ledger.recentRuns({ sinkId, limit: 1 });
  const run = runs[0];
  if (!run) return undefined;
  const match = /^(.*)@(\d+)(;|$)/.exec(run.fingerprint);
  if (!match) return undefined;
  return { model: run.model, dimensions: Number(match[2]) };
}

/**
 * Counts a sink's points without knowing its model up front: sinks that need `open`
 * first are opened with the model and dimensions the ledger recorded for them.
 */
export async function countSinkPoints(
  sink: Sink,
  ledger: Ledger,
  signal?: AbortSignal,
): Promise<number | undefined> {
  try {
    return await sink.count({ signal });
  } catch (error) {
    if (!DriftError.hasCode(error, ErrorCode.PluginState)) throw error;
  }
  const recorded = await recordedModel(ledger, sink.id);
  if (!recorded) return undefined;
  await sink.open({
    dimensions: recorded.dimensions,
    distance: 'cosine',
    model: recorded.model,
    signal,
  });
  return sink.count({ signal });
}
