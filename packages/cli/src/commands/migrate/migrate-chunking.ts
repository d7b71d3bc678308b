import {
  type Embedder,
  type Ledger,
  redactUri,
  type Sink,
  type Source,
  verify,
} from '@drift-spark/core';
import {
  type ChunkSpec,
  chunkText,
  formatChunkSpec,
  type MigrationRecord,
  parseChunkSpec,
} from '@drift-spark/core/internal';
import type { CliIo } from '../../cli-io.js';
import { usageError } from '../../errors/cli-error.js';
import { type MigrationSettings, settingsOf } from './migrate-context.js';
import type { SampledText } from './migrate-sampling.js';

/**
 * The chunking both sinks of a migration hold: SINK_A's, as its runs recorded it when the
 * migration started. SINK_B is cut the same way, its chunks measured with model B's tokenizer.
 */
export function migrationChunking(settings: MigrationSettings): { chunking?: ChunkSpec } {
  return settings.chunking ? { chunking: parseChunkSpec(settings.chunking) } : {};
}

/** A dual-write watch cuts rows as the migration does, or the two sinks would hold other chunks. */
export function checkWatchChunking(migration: MigrationRecord, run: ChunkSpec | undefined): void {
  const wanted = settingsOf(migration).chunking;
  const given = run ? formatChunkSpec(run) : undefined;
  if (wanted === given) return;
  throw usageError(
    wanted
      ? `Migration ${migration.id} keeps both sinks in chunks cut with --chunk ${wanted}: run drift watch with --chunk ${wanted}.`
      : `Migration ${migration.id} keeps both sinks in whole rows: run drift watch without --chunk.`,
  );
}

/**
 * Query texts of a chunked migration: one chunk of each sampled row (the sinks hold chunks,
 * and a whole document may exceed the model's input), cut as SINK_A was with model A.
 */
export function sampledChunks(
  samples: SampledText[],
  settings: MigrationSettings,
  embedderA: Embedder,
): SampledText[] {
  const { chunking } = migrationChunking(settings);
  if (!chunking) return samples;
  return samples.map((sample, index) => {
    const chunks = chunkText(sample.text, chunking, (text) => embedderA.countTokens(text));
    return chunks.length === 0 ? sample : { ...sample, text: chunks[index % chunks.length]!.text };
  });
}

/**
 * The cutover gate of a chunked migration: each sink held against the table's chunks (cut
 * with its own model's tokenizer), as `drift verify` compares; the sinks' counts may differ.
 */
export async function chunkGateReasons(
  input: {
    ledger: Ledger;
    migration: MigrationRecord;
    sinks: { name: string; sink: Sink; embedder: Embedder }[];
    source: Source;
  },
  io: CliIo,
): Promise<string[]> {
  const settings = settingsOf(input.migration);
  const { chunking } = migrationChunking(settings);
  if (!chunking) return [];
  const reasons: string[] = [];
  for (const { name, sink, embedder } of input.sinks) {
    const result = await verify({
      source: input.source,
      sink,
      ledger: input.ledger,
      textColumn: settings.textColumn,
      keyColumns: settings.keyColumns,
      model: embedder.id,
      dimensions: embedder.dimensions,
      chunking,
      countTokens: (text) => embedder.countTokens(text),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    if (result.inStep) continue;
    const drifted = Object.entries(result.drift)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ');
    reasons.push(
      `${name} (${redactUri(sink.id)}) does not hold the table's chunks (${drifted}): run drift watch --chunk ${settings.chunking}, or drift repair on it, first`,
    );
  }
  return reasons;
}
