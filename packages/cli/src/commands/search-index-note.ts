import type { Sink } from '@drift-spark/core';

export interface SearchIndexNote {
  /** The ANN index searches use, or null: every search scans every point. */
  index: string | null;
  /** Without an index: one search timed now, in ms. */
  exactSearchMs?: number;
  /** Rows from which the sink builds an index by itself. */
  buildsAt?: number;
  /** The sink's advice for getting one. */
  hint?: string;
}

/**
 * How a sink searches, for `drift status`: its index, or — for a sink without one (PGlite
 * builds none by default) — what one exact search costs, timed now on the open sink.
 * Undefined for a sink that cannot tell.
 */
export async function searchIndexNote(
  sink: Sink,
  dimensions: number | undefined,
  points: number | undefined,
  signal?: AbortSignal,
): Promise<SearchIndexNote | undefined> {
  if (!sink.searchIndex || !dimensions) return undefined;
  const info = await sink.searchIndex({ signal });
  const note: SearchIndexNote = {
    index: info.index,
    ...(info.buildsAt === undefined ? {} : { buildsAt: info.buildsAt }),
    ...(info.hint === undefined ? {} : { hint: info.hint }),
  };
  if (info.index !== null || !points) return note;
  const query = new Float32Array(dimensions);
  query[0] = 1;
  const began = performance.now();
  await sink.search(query, { k: 10, signal });
  return { ...note, exactSearchMs: Math.round(performance.now() - began) };
}

/** One line for the human output of `drift status`. */
export function describeSearchIndex(note: SearchIndexNote, points: number): string {
  if (note.index !== null) return `  search: ${note.index} index`;
  const cost =
    note.exactSearchMs === undefined
      ? ''
      : `, ~${note.exactSearchMs.toLocaleString('en-US')} ms per search (timed now)`;
  const later =
    note.buildsAt === undefined
      ? ' (this sink builds none by itself)'
      : ` (one is built from ${note.buildsAt.toLocaleString('en-US')} points)`;
  const hint = note.hint === undefined ? '' : `; ${note.hint}`;
  return `  search: no index${later}: each search scans all ${points.toLocaleString('en-US')} points${cost}${hint}`;
}
