import type { Ledger } from '@drift-spark/core';
import { type ChunkSpec, parseChunkSpec } from '@drift-spark/core/internal';
import type { CliIo } from '../cli-io.js';
import { resolveEmbedder } from '../resolve/resolve-embedder.js';

/** The chunking of the last embed or watch into a sink, as its run recorded it (`--chunk`). */
export async function recordedChunking(
  ledger: Ledger,
  sinkId: string,
): Promise<ChunkSpec | undefined> {
  const runs = await ledger.recentRuns({ sinkId, limit: 20 });
  const last = runs.find((run) => run.kind === 'embed' || run.kind === 'sync');
  const spec = last?.options?.chunking;
  return typeof spec === 'string' ? parseChunkSpec(spec) : undefined;
}

/**
 * What `verify` needs to compare a chunked sink: the spec (`--chunk`, or the one its last
 * run recorded) and the model's own token count (the provider's tokenizer, no key needed:
 * nothing is embedded).
 */
export async function verifyChunking(
  chunk: ChunkSpec | undefined,
  run: { ledger: Ledger; sinkId: string; model: string; dimensions: number },
  io: CliIo,
): Promise<{ chunking?: ChunkSpec; countTokens?: (text: string) => number }> {
  const chunking = chunk ?? (await recordedChunking(run.ledger, run.sinkId));
  if (!chunking) return {};
  const embedder = await resolveEmbedder({
    model: run.model,
    shadow: true,
    dimensions: run.dimensions,
    env: io.env,
    importer: io.importer,
    cwd: io.cwd,
  });
  return { chunking, countTokens: (text) => embedder.countTokens(text) };
}
