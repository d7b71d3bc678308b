import { packPieces } from './chunk-pack.js';
import { splitPieces } from './chunk-pieces.js';
import { type TextChunk, type TokenCounter, trimmedRange } from './text-chunk.js';

/** A heading section: from its heading line (or the text's start) to the next heading. */
interface Section {
  start: number;
  end: number;
  /** The heading lines above this section, outermost first, this section's own last. */
  path: string[];
  /** Where the section's own heading line ends (equal to `start` for text before any heading). */
  headingEnd: number;
}

const heading = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const fence = /^ {0,3}(`{3,}|~{3,})/;

/** Heading sections of a Markdown text; `#` lines inside fenced code blocks are not headings. */
export function markdownSections(text: string): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; line: string }[] = [];
  let current: Section = { start: 0, end: text.length, path: [], headingEnd: 0 };
  let open: string | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const fenced = fence.exec(line);
    if (fenced) {
      const marker = fenced[1]!;
      if (open === undefined) open = marker;
      else if (marker[0] === open[0] && marker.length >= open.length) open = undefined;
    } else if (open === undefined) {
      const match = heading.exec(line);
      if (match) {
        const level = match[1]!.length;
        while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
        stack.push({ level, line: line.trim() });
        current.end = lineStart;
        sections.push(current);
        current = {
          start: lineStart,
          end: text.length,
          path: stack.map((entry) => entry.line),
          headingEnd: lineEnd,
        };
      }
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  sections.push(current);
  return sections.filter((section) => trimmedRange(text, section.start, section.end) !== null);
}

/**
 * Markdown-aware chunks: a heading always starts a new chunk; a section longer than
 * `size` tokens is cut into paragraphs (then lines, sentences, words) packed up to
 * `size`. Each chunk's `text` carries the headings above it that its slice does not
 * hold (see `TextChunk`), so a chunk from deep in a document still says what it is about.
 */
export function markdownChunks(text: string, size: number, count: TokenCounter): TextChunk[] {
  const chunks: TextChunk[] = [];
  for (const section of markdownSections(text)) {
    const context = section.path.join('\n');
    const room = Math.max(1, size - (context ? count(context) + 1 : 0));
    const pieces = splitPieces(text, section.start, section.end, room, count);
    for (const range of packPieces(text, pieces, room)) {
      const slice = trimmedRange(text, range.start, range.end);
      if (!slice) continue;
      // The section's own heading is in the slice when the slice starts at it.
      const holdsHeading = slice.start < section.headingEnd;
      const path = holdsHeading ? section.path.slice(0, -1) : section.path;
      const body = text.slice(slice.start, slice.end);
      chunks.push({
        text: path.length > 0 ? `${path.join('\n')}\n\n${body}` : body,
        start: slice.start,
        end: slice.end,
      });
    }
  }
  return chunks;
}
