import { InvalidInputError } from '../errors/errors.js';

/** How a row's text is cut into chunks before embedding (see `parseChunkSpec`). */
export type ChunkSpec =
  /** Windows of at most `size` tokens, cut on separators (paragraph, line, sentence, word). */
  | { kind: 'tokens'; size: number; overlap: number }
  /** Sections by heading, then paragraphs up to `size` tokens; each chunk carries its heading path. */
  | { kind: 'markdown'; size: number }
  /** `count` sentences per chunk, never across a paragraph break. */
  | { kind: 'sentences'; count: number };

/** Tokens in a Markdown chunk when the spec gives no size (`markdown`). */
export const defaultMarkdownTokens = 512;

/** The one line every bad spec gets: the forms accepted. */
export const chunkSpecForms =
  'tokens:N[,overlap:M] (e.g. tokens:512,overlap:64), markdown[:N] (e.g. markdown:512) or sentences:N (e.g. sentences:5)';

function bad(spec: string, why: string): InvalidInputError {
  return new InvalidInputError(`Chunk spec "${spec}" ${why}; use ${chunkSpecForms}.`);
}

function positive(spec: string, value: string | undefined, what: string): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1)
    throw bad(spec, `needs a whole number of ${what} of at least 1`);
  return Number(value);
}

/** Parses `tokens:512,overlap:64`, `markdown`, `markdown:512` or `sentences:5`; anything else is an InvalidInputError. */
export function parseChunkSpec(spec: string): ChunkSpec {
  const text = spec.trim().toLowerCase();
  const [head = '', ...rest] = text.split(',').map((part) => part.trim());
  const [kind, value, extra] = head.split(':').map((part) => part.trim());
  if (extra !== undefined) throw bad(spec, 'has one colon too many');
  if (kind === 'tokens') {
    const size = positive(spec, value, 'tokens');
    let overlap = 0;
    for (const option of rest) {
      const [name, amount] = option.split(':').map((part) => part.trim());
      if (name !== 'overlap' || amount === undefined || !/^\d+$/.test(amount))
        throw bad(spec, `has an unknown option "${option}"`);
      overlap = Number(amount);
    }
    if (overlap >= size) throw bad(spec, 'needs an overlap smaller than the size');
    return { kind: 'tokens', size, overlap };
  }
  if (rest.length > 0) throw bad(spec, `takes no options after "${head}"`);
  if (kind === 'markdown')
    return {
      kind: 'markdown',
      size: value === undefined ? defaultMarkdownTokens : positive(spec, value, 'tokens'),
    };
  if (kind === 'sentences') return { kind: 'sentences', count: positive(spec, value, 'sentences') };
  throw bad(spec, 'is not a chunk spec');
}

/** The canonical text of a spec (recorded with each run; `parseChunkSpec` reads it back). */
export function formatChunkSpec(spec: ChunkSpec): string {
  if (spec.kind === 'tokens')
    return spec.overlap > 0 ? `tokens:${spec.size},overlap:${spec.overlap}` : `tokens:${spec.size}`;
  if (spec.kind === 'markdown') return `markdown:${spec.size}`;
  return `sentences:${spec.count}`;
}
