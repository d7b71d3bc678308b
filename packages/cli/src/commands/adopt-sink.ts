import type { RunOptions } from '@drift-spark/core';
import { coreFunction } from '../core-api.js';
import { formatInt } from '../output/format.js';
import type { Output } from '../output/output.js';

/**
 * `drift embed --adopt-sink`: before the scan, records in the ledger the points the sink
 * already holds (from their `key`, `content_hash` and `model`), so rows whose text did not
 * change are not paid for again after a ledger was lost.
 */
export async function adoptSinkPoints(runOptions: RunOptions, output: Output): Promise<void> {
  const adopted = await coreFunction('adoptSink')(runOptions);
  const others =
    adopted.foreign > 0
      ? `; ${formatInt(adopted.foreign)} points of another model or with foreign ids left alone`
      : '';
  output.note(
    `adopted ${formatInt(adopted.adopted)} points from the sink into the ledger (${formatInt(adopted.known)} already known${others}); embedding only what differs from them.`,
  );
}
