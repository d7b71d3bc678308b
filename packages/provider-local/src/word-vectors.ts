import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { FatalError } from '@drift-spark/core';
import type { LocalModelInfo } from './local-model-folder.js';
import type { LocalRuntime } from './local-runtime.js';

/**
 * A word-vector model (GloVe): `vocabulary.txt` (one word per line) and `vectors.npy` (one
 * float32 row per word). A text's vector is the mean of its lower-cased words' vectors,
 * L2-normalised; its tokens are its words.
 */
export const wordVectorFiles = ['vocabulary.txt', 'vectors.npy'] as const;

/** GloVe's tokens: runs of letters or digits, clitics like `'s`, and single punctuation marks. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+|'\p{L}+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/** GloVe has a vector for the word "unk": a text none of whose words is known gets it, not a zero vector. */
const unknownWord = 'unk';

interface NpyHeader {
  rows: number;
  columns: number;
  fortranOrder: boolean;
  /** Bytes before the data. */
  dataOffset: number;
}

function parseNpyHeader(head: Buffer, path: string): NpyHeader {
  const bad = (why: string) =>
    new FatalError(
      `${path} is not a float32 matrix in NumPy's .npy format (${why}); fetch the model again.`,
    );
  if (head.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw bad('no NUMPY magic');
  const major = head[6]!;
  const lengthSize = major === 1 ? 2 : 4;
  const headerLength = lengthSize === 2 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const dataOffset = 8 + lengthSize + headerLength;
  if (head.length < dataOffset) throw bad('header cut short');
  const header = head.subarray(8 + lengthSize, dataOffset).toString('latin1');
  if (!/'descr':\s*'<f4'/.test(header)) throw bad('not little-endian float32');
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header);
  if (!shape) throw bad('not two-dimensional');
  return {
    rows: Number(shape[1]),
    columns: Number(shape[2]),
    fortranOrder: /'fortran_order':\s*True/.test(header),
    dataOffset,
  };
}

/** The matrix's shape, from its header alone (reading the model folder must stay cheap). */
export function readNpyShape(path: string): { rows: number; columns: number } {
  const head = Buffer.alloc(4096);
  const file = openSync(path, 'r');
  try {
    const read = readSync(file, head, 0, head.length, 0);
    const { rows, columns } = parseNpyHeader(head.subarray(0, read), path);
    return { rows, columns };
  } finally {
    closeSync(file);
  }
}

interface WordTable {
  index: Map<string, number>;
  /** One row of `dimensions` floats per word. */
  vectors: Float32Array;
}

function loadWordTable(dir: string, dimensions: number): WordTable {
  const path = join(dir, 'vectors.npy');
  const file = readFileSync(path);
  const { rows, columns, fortranOrder, dataOffset } = parseNpyHeader(file, path);
  if (columns !== dimensions || file.length < dataOffset + rows * columns * 4) {
    throw new FatalError(
      `${path} holds ${rows}×${columns} floats, not ${dimensions} per word; fetch the model again.`,
    );
  }
  const raw = new Float32Array(
    file.buffer.slice(
      file.byteOffset + dataOffset,
      file.byteOffset + dataOffset + rows * columns * 4,
    ),
  );
  // A column-major file is transposed once into one row per word.
  const vectors = fortranOrder ? new Float32Array(rows * columns) : raw;
  if (fortranOrder) {
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        vectors[row * columns + column] = raw[column * rows + row]!;
      }
    }
  }
  const words = readFileSync(join(dir, 'vocabulary.txt'), 'utf8').split('\n');
  const index = new Map<string, number>();
  for (let row = 0; row < Math.min(rows, words.length); row++) {
    if (!index.has(words[row]!)) index.set(words[row]!, row);
  }
  return { index, vectors };
}

/** Opens a word-vector model folder; the vectors are loaded at the first run. */
export function openWordVectorRuntime(info: LocalModelInfo): LocalRuntime {
  const { dimensions, maxTokens } = info;
  let table: WordTable | undefined;

  const embedOne = ({ index, vectors }: WordTable, text: string): Float32Array => {
    const sum = new Float32Array(dimensions);
    let known = 0;
    const add = (row: number) => {
      for (let column = 0; column < dimensions; column++) {
        sum[column]! += vectors[row * dimensions + column]!;
      }
      known++;
    };
    for (const word of wordsOf(text).slice(0, maxTokens)) {
      const row = index.get(word);
      if (row !== undefined) add(row);
    }
    if (known === 0) add(index.get(unknownWord) ?? 0);
    let norm = 0;
    for (const value of sum) norm += value * value;
    const divisor = info.normalize ? Math.sqrt(norm) || 1 : known;
    return sum.map((value) => value / divisor);
  };

  return {
    countTokens: (text) => Math.max(1, wordsOf(text).length),
    async run(texts) {
      table ??= loadWordTable(info.dir, dimensions);
      const loaded = table;
      return texts.map((text) => embedOne(loaded, text));
    },
  };
}
