/** The providers bench's rows: a fixed word stream and a synthetic source over it (no file, no table). */
import type { RowBatch, SourceV1 } from '@drift-spark/core';
import { wordStream } from './word-stream.js';

const corpus = wordStream(7, 20_000);
/** 150 to 270 characters: a row prefix and a window into a fixed word stream. */
const textOf = (id: number) => {
  const length = 150 + ((id * 37) % 120);
  const start = (id * 7919) % (corpus.length - 300);
  return `row ${id}: ${corpus.slice(start, start + length)}`;
};

export function syntheticSource(count: number): SourceV1 {
  const columns = [
    { name: 'id', type: 'long', nullable: false },
    { name: 'text', type: 'string', nullable: true },
  ];
  return {
    specificationVersion: 'v1',
    id: 'bench://providers',
    async describe() {
      return { id: 'bench://providers', columns, latestVersion: 1, changeFeed: false };
    },
    async *scan(options): AsyncIterable<RowBatch> {
      const size = options.batchSize ?? 1000;
      for (let start = 0; start < count; start += size) {
        const end = Math.min(count, start + size);
        const batch = new Array(end - start);
        for (let id = start; id < end; id++) batch[id - start] = { id, text: textOf(id) };
        yield { rows: batch, version: 1 };
      }
    },
  } as SourceV1;
}
