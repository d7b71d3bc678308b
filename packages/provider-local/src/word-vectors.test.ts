import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalEmbedder } from './local-embedder.js';
import { readLocalModel } from './local-model-folder.js';
import { wordsOf } from './word-vectors.js';

/** A .npy file of float32 rows, written column-major when `fortran` (as GloVe's wheel is). */
function npy(rows: number[][], fortran: boolean): Buffer {
  const columns = rows[0]!.length;
  let header = `{'descr': '<f4', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${rows.length}, ${columns}), }`;
  header = `${header.padEnd(117)}\n`;
  const data = new Float32Array(rows.length * columns);
  for (const [r, row] of rows.entries()) {
    for (const [c, value] of row.entries()) {
      data[fortran ? c * rows.length + r : r * columns + c] = value;
    }
  }
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

/** A 3-d word-vector folder: `the`, `cat`, `'s`, `unk`. */
function wordFolder(fortran: boolean, manifest?: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'drift-word-vectors-'));
  writeFileSync(join(dir, 'vocabulary.txt'), "the\ncat\n's\nunk\n");
  const rows = [
    [1, 0, 0],
    [0, 2, 0],
    [0, 0, 3],
    [0, 0, -1],
  ];
  writeFileSync(join(dir, 'vectors.npy'), npy(rows, fortran));
  if (manifest) writeFileSync(join(dir, 'drift-model.json'), JSON.stringify(manifest));
  return dir;
}

describe('word-vector models', () => {
  it("splits GloVe's way: lower-cased words, clitics and punctuation", () => {
    expect(wordsOf("The cat's toy, 2 times!")).toEqual([
      'the',
      'cat',
      "'s",
      'toy',
      ',',
      '2',
      'times',
      '!',
    ]);
  });

  it('detects a folder of vocabulary.txt and vectors.npy, or reads kind from drift-model.json', () => {
    const detected = wordFolder(true);
    expect(readLocalModel(detected, 'g')).toMatchObject({
      kind: 'word-vectors',
      dimensions: 3,
      pooling: 'mean',
      normalize: true,
    });
    const declared = wordFolder(false, { kind: 'word-vectors', maxTokens: 2 });
    expect(readLocalModel(declared, 'g')).toMatchObject({ kind: 'word-vectors', maxTokens: 2 });
    const wrong = wordFolder(false, { kind: 'bag' });
    expect(() => readLocalModel(wrong, 'g')).toThrow(/use "onnx" or "word-vectors"/);
  });

  for (const fortran of [true, false]) {
    it(`embeds the normalised mean of the known words (${fortran ? 'column' : 'row'}-major file)`, async () => {
      const embedder = createLocalEmbedder({ model: 'local/g', modelPath: wordFolder(fortran) });
      expect(embedder.dimensions).toBe(3);
      const { vectors, tokensPerInput, tokens } = await embedder.embed([
        'The CAT',
        'the the cat dog',
        "cat's",
        'zebra',
      ]);
      const rounded = (values: ArrayLike<number>) => Array.from(values, (v) => v.toFixed(5));
      const s = Math.SQRT1_2;
      expect(rounded(vectors[0]!)).toEqual(rounded([1 / Math.sqrt(5), 2 / Math.sqrt(5), 0]));
      expect(rounded(vectors[1]!)).toEqual(rounded([s, s, 0]));
      expect(rounded(vectors[2]!)).toEqual(rounded([0, 2 / Math.sqrt(13), 3 / Math.sqrt(13)]));
      // No known word: GloVe's own "unk" vector, never a zero vector.
      expect(rounded(vectors[3]!)).toEqual(rounded([0, 0, -1]));
      expect(tokensPerInput).toEqual([2, 4, 2, 1]);
      expect(tokens).toBe(9);
    });
  }

  it('reads no more than maxTokens words and says the text was truncated', async () => {
    const embedder = createLocalEmbedder({
      model: 'g',
      modelPath: wordFolder(false, { kind: 'word-vectors', maxTokens: 2 }),
    });
    const { vectors, truncated, tokens } = await embedder.embed(['the the cat']);
    expect(Array.from(vectors[0]!)).toEqual([1, 0, 0]);
    expect(truncated).toBe(1);
    expect(tokens).toBe(2);
  });
});
