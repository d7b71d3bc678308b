import { redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { sinkIdOf } from './index-state.js';
import type { LoadedProject } from './load-project.js';

/** A sink the project's ledger holds points of, that no index of the file declares any more. */
export interface RemovedIndex {
  sink: string;
  model: string;
  points: number;
}

/**
 * Sinks the ledger knows that the file no longer declares (an index removed from it). Only
 * with a ledger of the project's own (`ledger:` in the file): the shared default ledger also
 * holds other projects' sinks. The two ends of a migration are the migration's, not removals.
 */
export async function removedIndexes(loaded: LoadedProject, io: CliIo): Promise<RemovedIndex[]> {
  if (!loaded.project.ledger) return [];
  const declared = await declaredSinkIds(loaded, io);
  const ledger = await openLedger(
    ledgerPath(loaded.project.ledger, io.env, loaded.dir),
    io.importer,
  );
  try {
    for (const migration of (await ledger.migrations?.list()) ?? [])
      for (const sinkId of [migration.fromSinkId, migration.toSinkId]) declared.add(sinkId);
    const models = new Map<string, string>();
    for (const run of await ledger.recentRuns({ limit: 10_000 }))
      if (!declared.has(run.sinkId) && !models.has(run.sinkId)) models.set(run.sinkId, run.model);
    const removed: RemovedIndex[] = [];
    for (const [sinkId, model] of models) {
      const points = await ledger.countPoints(sinkId);
      if (points > 0) removed.push({ sink: redactUri(sinkId), model, points });
    }
    return removed;
  } finally {
    await ledger.close();
  }
}

/** The ids of the sinks the file's indexes declare. */
export async function declaredSinkIds(loaded: LoadedProject, io: CliIo): Promise<Set<string>> {
  const declared = new Set<string>();
  for (const name of Object.keys(loaded.project.indexes))
    declared.add(await sinkIdOf(loaded, name, io));
  return declared;
}
