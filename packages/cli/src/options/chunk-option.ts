import { InvalidArgumentError } from '@commander-js/extra-typings';
import { type ChunkSpec, parseChunkSpec } from '@drift-spark/core/internal';

/** `--chunk <spec>`: a bad spec is a usage error (exit 2) naming the accepted forms. */
export function parseChunkOption(value: string): ChunkSpec {
  try {
    return parseChunkSpec(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export const chunkHelp =
  "cut each row's text into chunks, each embedded as its own point (payload: the row's key and metadata, chunk_index, chunk_count, chunk_start, chunk_end); unchanged chunks are not paid again. Forms: tokens:512,overlap:64 (token windows cut on paragraphs, lines, sentences), markdown or markdown:512 (by heading, each chunk prefixed with its heading path), sentences:5 (5 sentences a chunk). Example: --chunk markdown:512";
