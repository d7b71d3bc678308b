import type { ChunkStage } from '../engine/engine-chunks.js';
import { InvalidInputError } from '../errors/errors.js';
import type { Ledger } from '../spec/ledger-v1.js';
import type { VerifyOptions } from './verify.js';

/** The reader's chunking stage of `verify`, when the sink was embedded in chunks. */
export function verifyChunks(
  options: Pick<VerifyOptions, 'chunking' | 'countTokens'>,
  sourceId: string,
  sinkId: string,
  ledger: Ledger,
): { chunks?: ChunkStage } {
  const { chunking, countTokens } = options;
  if (!chunking) return {};
  if (!countTokens || typeof ledger.pointsOfKeys !== 'function')
    throw new InvalidInputError(
      "Verifying a chunked sink needs the embedder's countTokens (chunks are measured with it) and a ledger with pointsOfKeys (the SQLite ledger).",
    );
  return {
    chunks: {
      spec: chunking,
      countTokens,
      sourceId,
      sinkId,
      ledger: { pointsOfKeys: (...args) => ledger.pointsOfKeys!(...args) },
    },
  };
}
