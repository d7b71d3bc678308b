/**
 * Drift as a library: the same pipeline as `drift embed` and `drift watch`, composed by
 * hand from core, a source, a sink, a provider and the ledger. Shadow vectors unless
 * OPENAI_API_KEY is set. Writes under ./.drift/ of the current folder.
 *
 *   pnpm --filter @drift-spark/examples library
 */
import { fileURLToPath } from 'node:url';
import { type DriftEvent, embed, shadowMode, sync } from '@drift-spark/core';
import { createSqliteLedger } from '@drift-spark/ledger';
import { createOpenAIEmbedder } from '@drift-spark/provider-openai';
import { createPgliteSink } from '@drift-spark/sink-pgvector';
import { createDeltaSource } from '@drift-spark/source-delta';

const source = createDeltaSource({ path: fileURLToPath(new URL('./tickets', import.meta.url)) });
const sink = createPgliteSink({ dataDir: '.drift/library-example', table: 'tickets' });
const openai = createOpenAIEmbedder({ model: 'text-embedding-3-small' });
// Shadow mode is middleware: same model id, size and limits, deterministic vectors, $0.
const embedder = process.env.OPENAI_API_KEY ? openai : shadowMode(openai);
const ledger = createSqliteLedger({ path: '.drift/library-example.db' });
const onEvent = (event: DriftEvent) => {
  if (event.type === 'row-fail') console.warn(`row ${event.key} failed: ${event.reason}`);
};

try {
  const columns = {
    textColumn: 'body',
    keyColumns: ['id'],
    metadataColumns: ['customer', 'status'],
  };
  // The table as it stood at version 1; a second call would find every row unchanged.
  const first = await embed({ source, sink, embedder, ledger, ...columns, version: 1, onEvent });
  console.log(
    `embed: ${first.status}, ${first.rowsEmbedded} embedded, ${first.rowsReused} reused, ${first.rowsSkipped} without text, $${first.costUsd}`,
  );

  // The change feed from version 2 to the latest, reduced to the net effect per row.
  const changes = await sync({
    source,
    sink,
    embedder,
    ledger,
    ...columns,
    fromVersion: 2,
    onEvent,
  });
  console.log(
    `sync ${changes.sinceVersion}..${changes.toVersion}: ${changes.inserted} inserted, ${changes.updated} updated, ${changes.deleted} deleted`,
  );

  const { vectors } = await embedder.embed(['refund for a duplicate charge']);
  for (const hit of await sink.search(vectors[0]!, { k: 3 })) {
    console.log(`${hit.score.toFixed(3)}  #${hit.payload.key}  ${hit.payload.content}`);
  }
  const [cost] = await ledger.cost({ by: 'model' });
  console.log(
    `spent so far on ${cost?.group}: $${cost?.costUsd ?? 0} for ${cost?.tokens ?? 0} tokens`,
  );
} finally {
  await sink.close();
  await ledger.close();
  await source.close?.();
}
