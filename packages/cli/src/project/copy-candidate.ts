import type { Embedder } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import type { IndexState } from './index-state.js';
import type { LoadedProject } from './load-project.js';
import { declaredSinkIds } from './removed-indexes.js';

/** A sink the index's vectors can be copied from instead of embedded again. */
export interface CopySource {
  sinkId: string;
  points: number;
}

/**
 * For an index whose sink holds nothing yet: a sink no index declares any more that the
 * ledger says holds vectors of the same table, model, dimensions and columns (the index's
 * sink changed in the file). Its vectors are the ones an embed would pay for again.
 */
export async function findCopySource(
  loaded: LoadedProject,
  name: string,
  state: IndexState,
  declared: Embedder,
  io: CliIo,
): Promise<CopySource | undefined> {
  const index = loaded.project.indexes[name]!;
  const ledger = await openLedger(
    ledgerPath(loaded.project.ledger, io.env, loaded.dir),
    io.importer,
  );
  try {
    if (!ledger.sinksOfSource) return undefined;
    const inFile = await declaredSinkIds(loaded, io);
    const fingerprint = `${index.embedder.shadowMode ? 'shadow:' : ''}${declared.id}@${declared.dimensions}`;
    for (const sinkId of await ledger.sinksOfSource(state.sourceId)) {
      if (inFile.has(sinkId)) continue;
      const [run] = await ledger.recentRuns({ sinkId, limit: 1 });
      const options = run?.options ?? {};
      const same =
        run !== undefined &&
        (run.fingerprint === fingerprint || run.fingerprint.startsWith(`${fingerprint};`)) &&
        options.textColumn === index.source.textColumn &&
        JSON.stringify(options.keyColumns) === JSON.stringify(index.source.keyColumns);
      if (!same) continue;
      const points = await ledger.countPoints(sinkId);
      if (points > 0) return { sinkId, points };
    }
    return undefined;
  } finally {
    await ledger.close();
  }
}
