import type { SinkCallOptions } from '@drift-spark/core';
import type { PgvectorSink } from './pgvector-sink.js';

/** What `drift status` shows about how a sink searches: its ANN index, or none (exact scan). */
export interface SearchIndexInfo {
  index: string | null;
  /** Rows from which the sink builds one (absent when it never does by itself). */
  buildsAt?: number;
  /** What to do to get one. */
  hint?: string;
}

/**
 * PGlite builds its HNSW index only when the URI says `index=hnsw` (inside WASM the build
 * takes ~50 s per 10k rows of 1536 dimensions): without it every search is an exact scan,
 * and `drift status` says so, with what a search costs.
 */
export function withPgliteSearchIndex(
  sink: PgvectorSink,
  index: 'auto' | 'never' | undefined,
): PgvectorSink & { searchIndex(options?: SinkCallOptions): Promise<SearchIndexInfo> } {
  return Object.assign(sink, {
    async searchIndex(): Promise<SearchIndexInfo> {
      if (index !== 'never') return { index: 'HNSW' };
      return {
        index: null,
        hint: 'add index=hnsw to the sink URI to build one (~50 s per 10k points of 1536 dimensions in PGlite)',
      };
    },
  });
}
