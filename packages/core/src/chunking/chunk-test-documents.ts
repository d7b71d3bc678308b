/** Deterministic long Markdown documents for the chunking tests (a seeded generator, no I/O). */

const words =
  'the data table row vector model index delta change feed sink source ledger point chunk text embed token cost version commit writer reader paragraph section heading query search result batch stream memory engine provider run key value schema column'.split(
    ' ',
  );

/** A small seeded generator (mulberry32): the same seed, the same document. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function sentence(random: () => number): string {
  const length = 6 + Math.floor(random() * 14);
  const picked = Array.from({ length }, () => words[Math.floor(random() * words.length)]!);
  const text = picked.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

export function paragraph(random: () => number): string {
  return Array.from({ length: 2 + Math.floor(random() * 5) }, () => sentence(random)).join(' ');
}

/** A Markdown document: `sections` sections (some with a subsection), paragraphs under each. */
export function markdownDocument(seed: number, sections = 12): string {
  const random = seeded(seed);
  const parts = [`# Document ${seed}`, paragraph(random)];
  for (let section = 1; section <= sections; section++) {
    parts.push(`## Section ${section}`);
    for (let count = 1 + Math.floor(random() * 5); count > 0; count--)
      parts.push(paragraph(random));
    if (random() < 0.4) {
      parts.push(`### Details of ${section}`, paragraph(random), '```\n# not a heading\n```');
    }
  }
  return `${parts.join('\n\n')}\n`;
}
