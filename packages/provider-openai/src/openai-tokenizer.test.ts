import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import { describe, expect, it } from 'vitest';
import { countTokens, encodeTokens, truncateToTokens } from './openai-tokenizer.js';

const reference = new Tiktoken(cl100kBase);

const samples = [
  'The quick brown fox jumps over the lazy dog.',
  "Don't stop—it's 3.14159 o'clock; we'll see 12345678 apples!!!",
  'function f(x) {\n  return x * 2 + 1; // comment\n}\n\n\n    indented\ttab',
  'Ünïcödé façade, naïve café — déjà vu. Привет, мир! Γειά σου Κόσμε.',
  '漢字仮名交じり文。東京は日本の首都です。',
  'emoji 👩‍👩‍👧‍👦 and 🇫🇷 flags, math ∑∫√ and zero​width',
  'plain text with <|endoftext|> inside, as the embeddings API counts it',
  '   leading and trailing spaces   ',
  'https://example.com/path?query=a%20b&x=1#frag aGVsbG8gd29ybGQ=',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
];

describe('cl100k_base encoder', () => {
  it('gives the same tokens as js-tiktoken on mixed text', () => {
    for (const text of samples) expect(encodeTokens(text)).toEqual(reference.encode(text, [], []));
    const joined = samples.join('\n');
    expect(encodeTokens(joined)).toEqual(reference.encode(joined, [], []));
  });

  it('gives the same tokens as js-tiktoken on random words, pairs remembered across texts', () => {
    let seed = 17;
    const letter = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String.fromCharCode(97 + (seed % 26));
    };
    const word = () => Array.from({ length: 1 + (seed % 11) }, letter).join('');
    for (let text = 0; text < 20; text++) {
      const sample = Array.from({ length: 200 }, word).join(' ');
      expect(encodeTokens(sample)).toEqual(reference.encode(sample, [], []));
    }
  });

  it('counts what it encodes, and encodes the same again from the pieces it remembers', () => {
    const long = '漢字仮名交じり文'.repeat(40); // merged in slices, never remembered
    for (const text of [...samples, samples.join('\n'), long]) {
      const first = encodeTokens(text);
      expect(countTokens(text), text.slice(0, 20)).toBe(first.length);
      expect(encodeTokens(text)).toEqual(first);
      expect(countTokens(text)).toBe(first.length);
    }
  });

  it('truncates to a token count and decodes back to a prefix of the text', () => {
    const text = samples.join(' ').repeat(5);
    const tokens = encodeTokens(text);
    const cut = truncateToTokens(tokens, 100);
    expect(text.startsWith(cut)).toBe(true);
    expect(encodeTokens(cut).length).toBeLessThanOrEqual(100);
    expect(encodeTokens(cut).length).toBeGreaterThanOrEqual(98);
  });

  it('counts a long run without spaces in bounded time, close to the exact count', () => {
    const run = '漢字仮名交じり文'.repeat(40); // one 960-byte piece
    const exact = reference.encode(run, [], []).length;
    expect(Math.abs(encodeTokens(run).length - exact)).toBeLessThanOrEqual(3);
  });
});
