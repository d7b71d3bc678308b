import { describe, expect, it } from 'vitest';
import { markdownSections } from './chunk-markdown.js';
import { parseChunkSpec } from './chunk-spec.js';
import { markdownDocument, paragraph, seeded } from './chunk-test-documents.js';
import { chunkText } from './chunk-text.js';
import { approximateTokens, type TextChunk } from './text-chunk.js';

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const specs = ['tokens:120', 'tokens:200,overlap:40', 'markdown:150', 'markdown', 'sentences:3'];

function expectSlices(text: string, chunks: TextChunk[]): void {
  for (const chunk of chunks) {
    expect(chunk.start).toBeLessThan(chunk.end);
    expect(chunk.text.endsWith(text.slice(chunk.start, chunk.end))).toBe(true);
    expect(text.slice(chunk.start, chunk.end).trim()).toBe(text.slice(chunk.start, chunk.end));
  }
}

describe('chunkText', () => {
  it.each(specs)('%s: offsets give the chunk slices, in order, covering every word', (spec) => {
    const text = markdownDocument(7, 20);
    const chunks = chunkText(text, parseChunkSpec(spec));
    expect(chunks.length).toBeGreaterThan(3);
    expectSlices(text, chunks);
    for (let index = 1; index < chunks.length; index++)
      expect(chunks[index]!.start).toBeGreaterThan(chunks[index - 1]!.start);
    if (!spec.includes('overlap')) {
      // No overlap: the slices hold every word exactly once.
      const sliced = chunks.map((chunk) => text.slice(chunk.start, chunk.end)).join(' ');
      expect(words(sliced)).toBe(words(text));
    }
  });

  it.each(specs)('%s: is deterministic', (spec) => {
    const text = markdownDocument(11, 15);
    expect(chunkText(text, parseChunkSpec(spec))).toEqual(
      chunkText(text.slice(0), parseChunkSpec(spec)),
    );
  });

  it('token windows stay within the size as the tokenizer counts, overlap included', () => {
    const text = markdownDocument(3, 30);
    const count = (part: string) => words(part) + 1;
    for (const chunk of chunkText(text, parseChunkSpec('tokens:100,overlap:20'), count))
      expect(count(chunk.text)).toBeLessThanOrEqual(100 + 5);
    const overlapped = chunkText(text, parseChunkSpec('tokens:100,overlap:20'), count);
    expect(
      overlapped.some((chunk, index) => index > 0 && chunk.start < overlapped[index - 1]!.end),
    ).toBe(true);
  });

  it('cuts a text with no separator at all', () => {
    const text = 'x'.repeat(5000);
    const chunks = chunkText(text, parseChunkSpec('tokens:100'));
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
    for (const chunk of chunks) expect(approximateTokens(chunk.text)).toBeLessThanOrEqual(100);
  });

  it('markdown: a heading starts a chunk; a chunk below its heading carries the heading path', () => {
    const long = Array.from({ length: 12 }, (_, index) => paragraph(seeded(index))).join('\n\n');
    const text = `# Guide\n\nIntro.\n\n## Install\n\n${long}\n\n## Use\n\nRun it.\n`;
    const chunks = chunkText(text, parseChunkSpec('markdown:120'));
    expectSlices(text, chunks);
    expect(chunks[0]!.text).toBe('# Guide\n\nIntro.');
    expect(chunks[1]!.text.startsWith('# Guide\n\n## Install\n\n')).toBe(true);
    const inside = chunks.filter((chunk) => chunk.text.startsWith('# Guide\n## Install\n\n'));
    expect(inside.length).toBeGreaterThan(1);
    expect(chunks[chunks.length - 1]!.text).toBe('# Guide\n\n## Use\n\nRun it.');
  });

  it('markdown: # lines inside a fenced code block are not headings', () => {
    const text = '# A\n\n```\n# comment\n```\n\n## B\n\ntext\n';
    expect(markdownSections(text).map((section) => section.path)).toEqual([
      ['# A'],
      ['# A', '## B'],
    ]);
  });

  it('sentences:N groups N sentences and never crosses a paragraph', () => {
    const text = 'One. Two! Three? Four.\n\nFive. Six.';
    expect(chunkText(text, parseChunkSpec('sentences:2')).map((chunk) => chunk.text)).toEqual([
      'One. Two!',
      'Three? Four.',
      'Five. Six.',
    ]);
  });

  it.each(['tokens:150', 'markdown:150'])(
    '%s: a paragraph inserted early or edited changes only the chunks around it',
    (spec) => {
      const parsed = parseChunkSpec(spec);
      let changed = 0;
      let documents = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const text = markdownDocument(seed, 20);
        const before = new Set(chunkText(text, parsed).map((chunk) => chunk.text));
        const parts = text.split('\n\n');
        parts.splice(3, 0, paragraph(seeded(seed + 1000)));
        parts[parts.length - 4] = paragraph(seeded(seed + 2000));
        const after = chunkText(parts.join('\n\n'), parsed);
        changed += after.filter((chunk) => !before.has(chunk.text)).length;
        documents++;
      }
      // Two edits per document; a few chunks each at most, never the whole document.
      expect(changed / documents).toBeLessThanOrEqual(5);
    },
  );

  it('a text of only white space has no chunk', () => {
    for (const spec of specs) expect(chunkText(' \n\n \t', parseChunkSpec(spec))).toEqual([]);
  });
});
