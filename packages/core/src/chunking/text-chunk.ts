/**
 * One chunk of a row's text. `start`/`end` are character (UTF-16) offsets into the row's
 * text, end exclusive. `text` is what is embedded and stored as `content`: the slice
 * `rowText.slice(start, end)` itself, except for Markdown chunks that start below a
 * heading, where it is the heading path (one heading line each, outermost first), a
 * blank line, then the slice; so `text.endsWith(rowText.slice(start, end))` always holds.
 */
export interface TextChunk {
  text: string;
  start: number;
  end: number;
}

/** Counts the tokens of a text: the embedder's own `countTokens` where there is one. */
export type TokenCounter = (text: string) => number;

/** Tokens estimated at four characters each, when no embedder's tokenizer is given. */
export const approximateTokens: TokenCounter = (text) => Math.ceil(text.length / 4);

/** A slice [start, end) of a text, trimmed of white space at both ends; null when only white space. */
export function trimmedRange(
  text: string,
  start: number,
  end: number,
): { start: number; end: number } | null {
  let from = start;
  let to = end;
  while (from < to && isSpace(text.charCodeAt(from))) from++;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  return from < to ? { start: from, end: to } : null;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 160 || code === 0xfeff;
}
