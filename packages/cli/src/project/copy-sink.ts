import type { Point } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { type RunCommandOptions, runPipelineCommand } from '../commands/run-command.js';
import { resolveRunEmbedder } from '../commands/run-options.js';
import { recordedModel } from '../commands/sink-reading.js';
import { CliError } from '../errors/cli-error.js';
import { formatInt } from '../output/format.js';
import type { Output } from '../output/output.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import type { LoadedProject } from './load-project.js';
import type { IndexPlan } from './plan-index.js';
import { projectIo, runOptionsOf } from './project-run-options.js';

/** Points read from the old sink and written to the new one per call. */
const copyBatch = 500;

/**
 * A changed sink, same model: the old sink's vectors copied, then `drift embed --adopt-sink`
 * records them in the ledger at $0 and embeds only rows changed since (a later watch goes on
 * from the version it read).
 */
export async function applyCopy(
  loaded: LoadedProject,
  plan: IndexPlan,
  options: RunCommandOptions,
  context: { runIo: CliIo; io: CliIo; output: Output },
): Promise<number> {
  await copySinkVectors(loaded, plan.index, plan.fromSink!, context.io, context.output);
  return runPipelineCommand('embed', { ...options, adoptSink: true }, context.runIo);
}

/** Copies every vector of `fromSinkId` into the index's (new) sink as it is: same ids, payloads and vectors. */
async function copySinkVectors(
  loaded: LoadedProject,
  name: string,
  fromSinkId: string,
  io: CliIo,
  output: Output,
): Promise<number> {
  const ledger = await openLedger(
    ledgerPath(loaded.project.ledger, io.env, loaded.dir),
    io.importer,
  );
  const recorded = await recordedModel(ledger, fromSinkId).finally(() => ledger.close());
  if (!recorded) throw new CliError(`${fromSinkId}: the ledger holds no run of it to copy from.`);
  const embedder = await resolveRunEmbedder(runOptionsOf(loaded, name), projectIo(io, loaded));
  const from = await createSinkFromUri(fromSinkId, io.importer, loaded.dir);
  const to = await createSinkFromUri(loaded.project.indexes[name]!.sink, io.importer, loaded.dir);
  const signal = io.signal;
  let copied = 0;
  try {
    await from.open({ ...recorded, distance: 'cosine', signal });
    await to.open({
      dimensions: embedder.dimensions,
      model: embedder.id,
      distance: 'cosine',
      signal,
    });
    for await (const batch of from.scan({ batchSize: copyBatch, withVectors: true, signal })) {
      const points = batch.filter((point): point is Point => point.vector !== undefined);
      if (points.length < batch.length)
        throw new CliError(`${fromSinkId} returned points without their vectors: nothing to copy.`);
      await to.upsert(points, { signal });
      copied += points.length;
    }
    await to.finalize?.({ signal });
  } finally {
    await from.close();
    await to.close();
  }
  output.note(
    `drift apply: ${name}: copied ${formatInt(copied)} vectors from ${fromSinkId} (same model: no provider call); recording them in the ledger`,
  );
  return copied;
}
