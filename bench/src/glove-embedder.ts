/**
 * A bag-of-words sentence embedder for the adapter bench: the mean of GloVe 6B 50-d word
 * vectors (scripts/models/fetch-glove.sh) over the text's lower-cased words, L2-normalised.
 * A real pretrained model of another dimension than the MiniLMs, standing in for the
 * "legacy" index a team migrates away from. Tokens = words (its own count; it is free).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EmbedderV1, embedderFingerprint, LimitExceededError } from '@drift-spark/core';

const dimensions = 50;
const words = (text: string) =>
  text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?|[^\s\p{L}\p{N}]/gu) ?? [];

export function createGloveEmbedder(folder: string): EmbedderV1 {
  let table: { index: Map<string, number>; vectors: Float32Array; rows: number } | undefined;
  const load = () => {
    if (table) return table;
    const vocabulary = readFileSync(join(folder, 'vocabulary.txt'), 'utf8').split('\n');
    const file = readFileSync(join(folder, 'vectors.npy'));
    const headerLength = file.readUInt16LE(8);
    const header = file.subarray(10, 10 + headerLength).toString('latin1');
    const rows = Number(/'shape': \((\d+), 50\)/.exec(header)?.[1]);
    const raw = new Float32Array(
      file.buffer.slice(file.byteOffset + 10 + headerLength, file.byteOffset + file.length),
    );
    // The file is column-major (fortran_order: True): transpose once into one row per word.
    const fortran = header.includes("'fortran_order': True");
    const vectors = new Float32Array(rows * dimensions);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < dimensions; column++) {
        vectors[row * dimensions + column] = fortran
          ? raw[column * rows + row]!
          : raw[row * dimensions + column]!;
      }
    }
    table = {
      index: new Map(vocabulary.slice(0, rows).map((word, row) => [word, row])),
      vectors,
      rows,
    };
    return table;
  };
  const embedOne = (text: string): Float32Array => {
    const { index, vectors } = load();
    const out = new Float32Array(dimensions);
    for (const word of words(text)) {
      const row = index.get(word);
      if (row === undefined) continue;
      for (let column = 0; column < dimensions; column++)
        out[column]! += vectors[row * dimensions + column]!;
    }
    const norm = Math.hypot(...out) || 1;
    return out.map((value) => value / norm);
  };
  const limits = {
    maxInputsPerCall: 256,
    maxTokensPerInput: 100_000,
    maxTokensPerCall: 1_000_000,
    maxConcurrentCalls: 1,
  };
  return {
    specificationVersion: 'v1',
    id: 'glove/6B-50d-mean',
    dimensions,
    fingerprint: embedderFingerprint('glove/6B-50d-mean', dimensions),
    limits,
    price: { usdPerMillionTokens: 0, source: 'local word vectors' },
    countTokens: (text) => Math.max(1, words(text).length),
    embed: async (texts) => {
      if (texts.length > limits.maxInputsPerCall) {
        throw new LimitExceededError(
          `At most ${limits.maxInputsPerCall} texts per call; got ${texts.length}.`,
        );
      }
      const vectors = texts.map(embedOne);
      const tokensPerInput = texts.map((text) => Math.max(1, words(text).length));
      return {
        vectors,
        tokens: tokensPerInput.reduce((total, count) => total + count, 0),
        tokensPerInput,
      };
    },
  };
}
