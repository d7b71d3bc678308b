import type { TokenCounter } from './text-chunk.js';

/** A contiguous slice of the text that fits in a chunk, with its token count. */
export interface Piece {
  start: number;
  end: number;
  tokens: number;
}

/** Separators tried in order: paragraph, line, sentence, word. Each stays at the end of the piece before it. */
const separators = ['\n\n', '\n', '. ', ' '];

/**
 * Cuts [start, end) into contiguous pieces of at most `size` tokens, recursively: on
 * paragraph breaks first, then lines, sentences, words, and as a last resort at a
 * character position. The pieces cover the range exactly, in order.
 */
export function splitPieces(
  text: string,
  start: number,
  end: number,
  size: number,
  count: TokenCounter,
  level = 0,
): Piece[] {
  const tokens = count(text.slice(start, end));
  if (tokens <= size) return [{ start, end, tokens }];
  for (let depth = level; depth < separators.length; depth++) {
    const cuts = cutsAfter(text, start, end, separators[depth]!);
    if (cuts.length === 0) continue;
    const pieces: Piece[] = [];
    let from = start;
    for (const cut of [...cuts, end]) {
      pieces.push(...splitPieces(text, from, cut, size, count, depth + 1));
      from = cut;
    }
    return pieces;
  }
  return hardSplit(text, start, end, size, count, tokens);
}

function cutsAfter(text: string, start: number, end: number, separator: string): number[] {
  const cuts: number[] = [];
  let at = text.indexOf(separator, start);
  while (at !== -1 && at + separator.length < end) {
    cuts.push(at + separator.length);
    at = text.indexOf(separator, at + separator.length);
  }
  return cuts;
}

/** A run with no separator longer than `size` tokens: windows of characters, shrunk until each fits. */
function hardSplit(
  text: string,
  start: number,
  end: number,
  size: number,
  count: TokenCounter,
  tokens: number,
): Piece[] {
  const pieces: Piece[] = [];
  let width = Math.max(1, Math.floor(((end - start) * size) / tokens));
  let from = start;
  while (from < end) {
    const to = Math.min(end, from + width);
    const windowTokens = count(text.slice(from, to));
    if (windowTokens > size && to - from > 1) {
      width = Math.max(1, Math.floor((to - from) * 0.8));
      continue;
    }
    pieces.push({ start: from, end: to, tokens: windowTokens });
    from = to;
  }
  return pieces;
}
