import type { Output } from './output.js';

/** Where a sink's deferred index build is (pgvector: from `pg_stat_progress_create_index`). */
export interface IndexBuildProgress {
  phase: string;
  done: number;
  total: number;
}

export interface FinalizeCall {
  signal?: AbortSignal | undefined;
  onProgress?: (progress: IndexBuildProgress) => void;
}

/** Notes a long index build's progress at most every `everyMs`, so the terminal says what it waits for. */
export function indexBuildNotes(
  output: Output,
  everyMs: number,
): (progress: IndexBuildProgress) => void {
  let last = Date.now();
  return ({ phase, done, total }) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    const share = total > 0 ? ` ${Math.floor((100 * done) / total)}%` : '';
    output.note(output.errorColors.dim(`building the search index (${phase}${share})`));
  };
}
