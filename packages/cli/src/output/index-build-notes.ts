import type { SinkBuildProgress } from '@drift-spark/core';
import type { Output } from './output.js';

/** Notes a long index build's progress at most every `everyMs`, so the terminal says what it waits for. */
export function indexBuildNotes(
  output: Output,
  everyMs: number,
): (progress: SinkBuildProgress) => void {
  let last = Date.now();
  return ({ phase, done, total }) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    const share = total > 0 ? ` ${Math.floor((100 * done) / total)}%` : '';
    output.note(output.errorColors.dim(`building the search index (${phase}${share})`));
  };
}
