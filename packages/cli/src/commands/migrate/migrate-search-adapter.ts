import type { Embedder, Ledger } from '@drift-spark/core';
import type { CliIo } from '../../cli-io.js';
import { CliError } from '../../errors/cli-error.js';
import { loadAdapterPackage } from './migrate-adapter-bridge.js';

/**
 * `drift search --sink SINK_A --model B`: when a migration of SINK_A to model B has an
 * adapter, the query embedded with B is mapped into A's space (the embedder returned
 * says model A). Undefined when no open migration applies.
 */
export async function adapterEmbedderFor(
  ledger: Ledger,
  sinkId: string,
  embedder: Embedder,
  io: CliIo,
): Promise<Embedder | undefined> {
  const migrations = (await ledger.migrations?.list({ sinkId, open: true })) ?? [];
  const migration = migrations.find(
    (candidate) => candidate.fromSinkId === sinkId && candidate.toModel === embedder.id,
  );
  if (!migration) return undefined;
  if (!migration.adapterPath)
    throw new CliError(
      `${sinkId} holds vectors of ${migration.fromModel}, not ${embedder.id}: fit an adapter first (drift migrate adapter fit), or search with --model ${migration.fromModel}.`,
      { code: 'usage', exitCode: 2 },
    );
  const adapters = await loadAdapterPackage(io.importer);
  const adapter = await adapters.loadAdapter(migration.adapterPath);
  if (adapters.adapterHash(adapter) !== migration.adapterHash)
    throw new CliError(
      `The adapter file ${migration.adapterPath} changed since it was fitted (hash mismatch): run drift migrate adapter fit again.`,
    );
  return adapters.createAdapterEmbedder(embedder, adapter);
}
