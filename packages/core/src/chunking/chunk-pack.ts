import type { Piece } from './chunk-pieces.js';

/**
 * One in this many pieces is an anchor: a chunk of at least a third of the size ends
 * before an anchor. Anchors are chosen by the piece's own text, so boundaries depend on
 * local content only: after an edit or an insertion, the boundaries after it fall where
 * they fell before, and the chunks after it keep their texts (and their vectors).
 */
const anchorEvery = 4;

/**
 * Groups consecutive pieces into ranges of at most `size` tokens (a piece is never
 * larger). A range ends when the next piece would not fit, or at an anchor once it
 * holds a third of `size`. With `overlap`, each range after the first starts up to
 * `overlap` tokens of whole pieces earlier; ranges are then packed to `size - overlap`
 * so the total stays within `size`.
 */
export function packPieces(
  text: string,
  pieces: Piece[],
  size: number,
  overlap = 0,
): { start: number; end: number }[] {
  const limit = Math.max(1, size - overlap);
  const minimum = Math.ceil(limit / 3);
  const cores: { first: number; last: number }[] = [];
  let first = 0;
  let tokens = 0;
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index]!;
    const full = tokens + piece.tokens > limit;
    if (index > first && (full || (tokens >= minimum && isAnchor(text, piece)))) {
      cores.push({ first, last: index - 1 });
      first = index;
      tokens = 0;
    }
    tokens += piece.tokens;
  }
  if (pieces.length > first) cores.push({ first, last: pieces.length - 1 });
  return cores.map((core, position) => {
    let from = core.first;
    if (overlap > 0 && position > 0) {
      const floor = cores[position - 1]!.first + 1;
      let carried = 0;
      while (from - 1 >= floor && carried + pieces[from - 1]!.tokens <= overlap) {
        from--;
        carried += pieces[from]!.tokens;
      }
    }
    return { start: pieces[from]!.start, end: pieces[core.last]!.end };
  });
}

function isAnchor(text: string, piece: Piece): boolean {
  return fnv1a(text, piece.start, piece.end) % anchorEvery === 0;
}

/** FNV-1a over the piece's visible characters (white space skipped, so a reflowed piece keeps its anchor). */
function fnv1a(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code <= 32) continue;
    hash ^= code;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
