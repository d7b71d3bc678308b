import type { RunOptions, RunResult } from './engine-types.js';

/**
 * Builds what the sink deferred to the end of a load (its optional `finalize`, e.g.
 * pgvector's search index) once a run wrote points, so a library caller has the index
 * when the run resolves, not only at `close()`. Skipped with `finalize: false` (the CLI
 * calls `finalize` itself, to show its progress) and after a failed run (the next run
 * goes on; `close()` builds what is left).
 */
export async function finalizeSink(options: RunOptions, result: RunResult): Promise<void> {
  if (options.finalize === false || typeof options.sink.finalize !== 'function') return;
  if (result.status === 'failed' || result.rowsEmbedded + result.rowsReused === 0) return;
  await options.sink.finalize(options.signal ? { signal: options.signal } : {});
}
