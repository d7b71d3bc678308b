import type { SinkSearchIndex } from '@drift-spark/core';
import type { PgvectorSink } from './pgvector-sink.js';

/**
 * PGlite builds its HNSW index only when the URI says `index=hnsw` (inside WASM the build
 * takes ~50 s per 10k rows of 1536 dimensions): without it every search is an exact scan,
 * and `drift status` says so, with what a search costs.
 */
export function withPgliteSearchIndex(
  sink: PgvectorSink,
  index: 'auto' | 'never' | undefined,
): PgvectorSink & Required<Pick<PgvectorSink, 'searchIndex'>> {
  return Object.assign(sink, {
    async searchIndex(): Promise<SinkSearchIndex> {
      if (index !== 'never') return { index: 'HNSW' };
      return {
        index: null,
        hint: 'add index=hnsw to the sink URI to build one (~50 s per 10k points of 1536 dimensions in PGlite)',
      };
    },
  });
}
