import type { CliIo } from '../cli-io.js';
import { recordedModel } from '../commands/sink-reading.js';
import { CliError, ExitCode } from '../errors/cli-error.js';
import { formatInt } from '../output/format.js';
import type { Output } from '../output/output.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import type { LoadedProject } from './load-project.js';
import type { RemovedIndex } from './removed-indexes.js';

/** One removed index as the apply summary shows it. */
export interface Destroyed {
  index: string;
  action: 'destroy';
  exitCode: number;
  result?: Record<string, unknown>;
}

/**
 * The sinks no index declares any more: dropped (the store's table or collection, then the
 * ledger's points, checkpoints and failures of it) only with `--destroy`; left alone, with
 * a line that says so, without it.
 */
export async function destroyRemoved(
  loaded: LoadedProject,
  removed: RemovedIndex[],
  flags: { destroy?: boolean },
  io: CliIo,
  output: Output,
): Promise<Destroyed[]> {
  if (removed.length > 0 && !flags.destroy) {
    for (const entry of removed)
      output.note(
        `drift apply: - ${entry.sink}: skipped, its ${formatInt(entry.points)} points and ledger rows stay; drift apply --destroy drops them.`,
      );
    return [];
  }
  const done: Destroyed[] = [];
  for (const entry of removed) {
    if (!output.json)
      output.note(output.errorColors.bold(`drift apply: - ${entry.sink} (destroy)`));
    const result = await dropSink(loaded, entry.sink, io);
    done.push({ index: entry.sink, action: 'destroy', exitCode: ExitCode.Done, result });
  }
  return done;
}

/** Drops the sink's table or collection, then forgets it in the ledger. */
async function dropSink(
  loaded: LoadedProject,
  sinkId: string,
  io: CliIo,
): Promise<Record<string, unknown>> {
  if (sinkId.includes('***'))
    throw new CliError(
      `${sinkId}: its URI held a credential the ledger never keeps: drop it with the store's own tools, then run drift apply --destroy again.`,
    );
  const ledger = await openLedger(
    ledgerPath(loaded.project.ledger, io.env, loaded.dir),
    io.importer,
  );
  try {
    if (!ledger.dropSink)
      throw new CliError(
        'This ledger cannot forget a sink: install the @drift-spark/ledger version that matches @drift-spark/cli.',
        { code: 'missing-plugin' },
      );
    const sink = await createSinkFromUri(sinkId, io.importer, loaded.dir);
    try {
      if (!sink.drop)
        throw new CliError(
          `${sinkId} cannot drop its table or collection: drop it with the store's own tools; drift apply --destroy then forgets it in the ledger.`,
        );
      const recorded = await recordedModel(ledger, sinkId);
      if (recorded)
        await sink.open({
          dimensions: recorded.dimensions,
          distance: 'cosine',
          model: recorded.model,
          signal: io.signal,
        });
      await sink.drop({ signal: io.signal });
    } finally {
      await sink.close();
    }
    const dropped = await ledger.dropSink(sinkId);
    return { rowsDeleted: dropped.points, checkpoints: dropped.checkpoints };
  } finally {
    await ledger.close();
  }
}
