import { Buffer } from 'node:buffer';
import { snappyCompress, snappyUncompress } from 'hysnappy';
import { describe, expect, it } from 'vitest';
import { isMostlyLiteral, snappyLiteralDecode } from './snappy-literal.js';

/** Deterministic bytes: `alphabet` letters (few letters compress well, random bytes not at all). */
function bytes(length: number, alphabet: number, seed = 7): Uint8Array {
  const output = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    output[index] = alphabet >= 256 ? state >>> 24 : 97 + ((state >>> 16) % alphabet);
  }
  return output;
}

describe('snappyLiteralDecode', () => {
  it.each([
    ['random bytes (all literals, long literal lengths)', bytes(300_000, 256)],
    ['text of few letters (many short and overlapping back-references)', bytes(200_000, 3)],
    ['one repeated byte (overlapping copies of offset 1)', new Uint8Array(70_000).fill(120)],
    [
      'a repeated phrase (long non-overlapping copies)',
      new TextEncoder().encode('delta change feed, '.repeat(5000)),
    ],
    ['empty', new Uint8Array(0)],
  ])('decodes what a real Snappy encoder wrote: %s', (_, plain) => {
    const compressed = snappyCompress(plain);
    // compared as Buffers: a deep equal of 300k elements takes seconds
    expect(Buffer.from(snappyLiteralDecode(compressed, plain.length)).equals(plain)).toBe(true);
    expect(Buffer.from(snappyUncompress(compressed, plain.length)).equals(plain)).toBe(true);
  });

  it('rejects a length that does not match and truncated input', () => {
    const plain = bytes(10_000, 256);
    const compressed = snappyCompress(plain);
    expect(() => snappyLiteralDecode(compressed, plain.length + 1)).toThrow(/length/);
    expect(() => snappyLiteralDecode(compressed.subarray(0, 5000), plain.length)).toThrow(
      /premature end/,
    );
  });

  it('writes every byte of reused memory it is given, inside a larger buffer', () => {
    for (const plain of [bytes(50_000, 256), bytes(50_000, 3), new Uint8Array(9_000).fill(7)]) {
      const memory = new Uint8Array(plain.length + 64).fill(0xee);
      const output = memory.subarray(24, 24 + plain.length);
      const page = snappyLiteralDecode(snappyCompress(plain), plain.length, output);
      expect(page).toBe(output);
      expect(Buffer.from(page).equals(plain)).toBe(true);
      // nothing written outside the given memory
      expect(memory.subarray(0, 24).every((byte) => byte === 0xee)).toBe(true);
      expect(memory.subarray(24 + plain.length).every((byte) => byte === 0xee)).toBe(true);
    }
    expect(() =>
      snappyLiteralDecode(snappyCompress(bytes(10, 256)), 10, new Uint8Array(9)),
    ).toThrow(/wrong size/);
  });

  it('rejects a back-reference before the start of the output', () => {
    // length 4, then a copy of 4 bytes at offset 1 with nothing written yet
    expect(() => snappyLiteralDecode(Uint8Array.from([4, 0x01, 0x01]), 4)).toThrow(
      /back-reference/,
    );
  });

  it('takes pages that barely compress, and leaves well-compressed ones to hysnappy', () => {
    const random = bytes(100_000, 256);
    const text = bytes(100_000, 3);
    expect(isMostlyLiteral(snappyCompress(random), random.length)).toBe(true);
    expect(isMostlyLiteral(snappyCompress(text), text.length)).toBe(false);
  });
});
