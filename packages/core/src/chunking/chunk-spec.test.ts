import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/errors.js';
import { formatChunkSpec, parseChunkSpec } from './chunk-spec.js';

describe('parseChunkSpec', () => {
  it('reads the three forms, with their defaults', () => {
    expect(parseChunkSpec('tokens:512,overlap:64')).toEqual({
      kind: 'tokens',
      size: 512,
      overlap: 64,
    });
    expect(parseChunkSpec('tokens:300')).toEqual({ kind: 'tokens', size: 300, overlap: 0 });
    expect(parseChunkSpec(' Markdown ')).toEqual({ kind: 'markdown', size: 512 });
    expect(parseChunkSpec('markdown:256')).toEqual({ kind: 'markdown', size: 256 });
    expect(parseChunkSpec('sentences:5')).toEqual({ kind: 'sentences', count: 5 });
  });

  it('formats a spec back to the text it parses from', () => {
    for (const spec of ['tokens:512,overlap:64', 'tokens:200', 'markdown:512', 'sentences:3'])
      expect(formatChunkSpec(parseChunkSpec(spec))).toBe(spec);
  });

  it.each([
    'tokens',
    'tokens:0',
    'tokens:abc',
    'tokens:64,overlap:64',
    'tokens:512,stride:4',
    'markdown:0',
    'markdown,overlap:3',
    'sentences',
    'sentences:-1',
    'paragraphs:3',
    'tokens:1:2',
    '',
  ])('refuses %j in one line naming the accepted forms', (spec) => {
    let error: unknown;
    try {
      parseChunkSpec(spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('tokens:512,overlap:64');
    expect(message).toContain('markdown');
    expect(message).toContain('sentences:');
  });
});
