import type { ChunkSpec } from '../chunking/chunk-spec.js';
import { InvalidInputError } from '../errors/errors.js';
import type { ChunkStage } from './engine-chunks.js';
import type { RunOptions } from './engine-types.js';

/** The run's chunking, refused up front when the ledger cannot list a row's points. */
export function checkedChunking(options: RunOptions): ChunkSpec | undefined {
  if (!options.chunking) return undefined;
  if (typeof options.ledger.pointsOfKeys !== 'function')
    throw new InvalidInputError(
      'Chunking needs a ledger that lists the points of a row (`pointsOfKeys`): use the SQLite or the memory ledger, or run without chunking.',
    );
  const taken = (options.metadataColumns ?? []).filter((column) => chunkFields.includes(column));
  if (taken.length > 0)
    throw new InvalidInputError(
      `The metadata column "${taken[0]}" has the name of a chunk field of the payload (${chunkFields.join(', ')}): rename it in \`metadataColumns\`, or run without chunking.`,
    );
  return options.chunking;
}

/** What a chunk adds to its point's metadata (see `chunkMetadata`). */
const chunkFields = ['chunk_index', 'chunk_count', 'chunk_start', 'chunk_end'];

/** The chunking stage of a run: its spec, the embedder's token count and the ledger's row lookup. */
export function chunkStage(
  options: Pick<RunOptions, 'source' | 'sink' | 'ledger' | 'embedder'>,
  spec: ChunkSpec,
): ChunkStage {
  const { ledger, embedder } = options;
  return {
    spec,
    countTokens: (text) => embedder.countTokens(text),
    sourceId: options.source.id,
    sinkId: options.sink.id,
    ledger: { pointsOfKeys: (...args) => ledger.pointsOfKeys!(...args) },
  };
}
