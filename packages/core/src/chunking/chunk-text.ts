import { markdownChunks } from './chunk-markdown.js';
import { packPieces } from './chunk-pack.js';
import { splitPieces } from './chunk-pieces.js';
import { sentenceChunks } from './chunk-sentences.js';
import type { ChunkSpec } from './chunk-spec.js';
import {
  approximateTokens,
  type TextChunk,
  type TokenCounter,
  trimmedRange,
} from './text-chunk.js';

/**
 * Cuts a row's text into chunks as `spec` says, counting tokens with `tokenizer` (the
 * embedder's `countTokens`; four characters a token without one). Deterministic: the
 * same text, spec and tokenizer give the same chunks. White space between chunks
 * belongs to none; a text of only white space has no chunk.
 */
export function chunkText(
  text: string,
  spec: ChunkSpec,
  tokenizer: TokenCounter = approximateTokens,
): TextChunk[] {
  if (spec.kind === 'markdown') return markdownChunks(text, spec.size, tokenizer);
  if (spec.kind === 'sentences') return sentenceChunks(text, spec.count);
  const limit = Math.max(1, spec.size - spec.overlap);
  const pieces = splitPieces(text, 0, text.length, limit, tokenizer);
  const chunks: TextChunk[] = [];
  for (const range of packPieces(text, pieces, spec.size, spec.overlap)) {
    const slice = trimmedRange(text, range.start, range.end);
    if (slice) chunks.push({ text: text.slice(slice.start, slice.end), ...slice });
  }
  return chunks;
}
