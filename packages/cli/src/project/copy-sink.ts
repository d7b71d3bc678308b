import type { Point } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { resolveRunEmbedder } from '../commands/run-options.js';
import { recordedModel } from '../commands/sink-reading.js';
import { CliError } from '../errors/cli-error.js';
import { formatInt } from '../output/format.js';
import type { Output } from '../output/output.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import type { LoadedProject } from './load-project.js';
import { projectIo, runOptionsOf } from './project-run-options.js';

/** Points read from the old sink and written to the new one per call. */
const copyBatch = 500;

/**
 * Copies every vector of `fromSinkId` into the index's (new) sink as it is: same ids,
 * payloads and vectors, no provider call. The caller then runs `drift embed --adopt-sink`,
 * which records them in the ledger at $0 and embeds only rows changed since.
 */
export async function copySinkVectors(
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
