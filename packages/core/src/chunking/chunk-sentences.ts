import { type TextChunk, trimmedRange } from './text-chunk.js';

/** A sentence ends after `.`, `!` or `?` (and closing quotes or brackets) followed by white space. */
const sentenceEnd = /[.!?]+["'\u2019\u201d)\]]*(?=\s)/g;
const paragraphBreak = /\n[ \t\r]*\n/g;

/** The [start, end) ranges of a text's paragraphs (split at blank lines). */
function paragraphs(text: string): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let from = 0;
  for (const match of text.matchAll(paragraphBreak)) {
    ranges.push({ start: from, end: match.index });
    from = match.index + match[0].length;
  }
  ranges.push({ start: from, end: text.length });
  return ranges;
}

/**
 * `count` sentences per chunk. A paragraph break always ends a chunk, so an edit in one
 * paragraph changes only that paragraph's chunks; the other chunks keep their texts.
 */
export function sentenceChunks(text: string, count: number): TextChunk[] {
  const chunks: TextChunk[] = [];
  for (const paragraph of paragraphs(text)) {
    const ends: number[] = [];
    const body = text.slice(paragraph.start, paragraph.end);
    for (const match of body.matchAll(sentenceEnd))
      ends.push(paragraph.start + match.index + match[0].length);
    if (ends[ends.length - 1] !== paragraph.end) ends.push(paragraph.end);
    let from = paragraph.start;
    for (let index = count - 1; index < ends.length + count - 1; index += count) {
      const to = ends[Math.min(index, ends.length - 1)]!;
      const range = trimmedRange(text, from, to);
      if (range) chunks.push({ text: text.slice(range.start, range.end), ...range });
      from = to;
      if (to === paragraph.end) break;
    }
  }
  return chunks;
}
