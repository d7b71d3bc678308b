import { describe, expect, it } from 'vitest';
import {
  dictionaryStringRows,
  gatherNumbers,
  lengthPrefixedRanges,
  numberRows,
  plainStringRows,
  skipLengthPrefixed,
} from './flat-loops.js';

function lengthPrefixed(values: string[]): DataView {
  const parts = values.map((value) => new TextEncoder().encode(value));
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + 4 + part.length, 0));
  const view = new DataView(bytes.buffer);
  let position = 0;
  for (const part of parts) {
    view.setUint32(position, part.length, true);
    bytes.set(part, position + 4);
    position += 4 + part.length;
  }
  return view;
}

const text = (view: DataView, from: number, to: number) =>
  new TextDecoder().decode(new Uint8Array(view.buffer, from, to - from));

describe('the flat decoder loops', () => {
  it('find length-prefixed values, and skip them', () => {
    const view = lengthPrefixed(['a', '', 'héllo']);
    const starts = new Int32Array(3);
    const ends = new Int32Array(3);
    lengthPrefixedRanges(view, 0, 3, starts, ends);
    expect([0, 1, 2].map((index) => text(view, starts[index]!, ends[index]!))).toEqual([
      'a',
      '',
      'héllo',
    ]);
    expect(skipLengthPrefixed(view, 0, 2)).toBe(starts[2]! - 4);
  });

  it('write only the rows with a value, from the asked position', () => {
    const view = lengthPrefixed(['x', 'yz']);
    const source = new Int32Array(6).fill(-1);
    const starts = new Int32Array(6);
    const ends = new Int32Array(6);
    const span = { levels: Uint8Array.of(0, 1, 0, 1), from: 0, end: 4, at: 2 };
    plainStringRows(view, 0, span, 7, source, starts, ends);
    expect([...source]).toEqual([-1, -1, -1, 7, -1, 7]);
    expect(text(view, starts[5]!, ends[5]!)).toBe('yz');

    const entries = new Int32Array(3);
    const dictionarySource = new Int32Array(3).fill(-1);
    dictionaryStringRows(
      Int32Array.of(4, 9),
      1,
      { levels: undefined, from: 1, end: 2, at: 0 },
      3,
      dictionarySource,
      entries,
    );
    expect([...dictionarySource]).toEqual([3, -1, -1]);
    expect(entries[0]).toBe(9);
  });

  it('copy 8-byte numbers by their words, marking valid rows', () => {
    const source = new Int32Array(BigInt64Array.of(-1n, 2n ** 40n).buffer);
    const values = new BigInt64Array(3);
    const valid = new Uint8Array(3);
    const span = { levels: Uint8Array.of(1, 0, 1), from: 0, end: 3, at: 0 };
    numberRows(source, 0, span, new Int32Array(values.buffer), 2, valid);
    expect([...values]).toEqual([-1n, 0n, 2n ** 40n]);
    expect([...valid]).toEqual([1, 0, 1]);
  });

  it('look up dictionary entries, and refuse an index past the dictionary', () => {
    const dictionary = Int32Array.of(10, 20, 30);
    const target = new Int32Array(3);
    expect(gatherNumbers(Int32Array.of(2, 0, 2), 3, dictionary, target, 1)).toBe(true);
    expect([...target]).toEqual([30, 10, 30]);
    expect(gatherNumbers(Int32Array.of(3), 1, dictionary, target, 1)).toBe(false);
  });
});
