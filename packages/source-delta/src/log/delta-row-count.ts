import type { AddAction } from './delta-actions.js';

/**
 * The rows of a snapshot from its log alone: each live file's `numRecords` (from its
 * statistics) less the rows its deletion vector removes. Undefined when any file has no
 * count: writers may omit statistics, and a guess would show a wrong progress total.
 */
export function snapshotRowCount(files: readonly AddAction[]): number | undefined {
  let total = 0;
  for (const file of files) {
    const records = numRecords(file.stats);
    if (records === undefined) return undefined;
    total += records - Number(file.deletionVector?.cardinality ?? 0);
  }
  return total;
}

function numRecords(stats: string | null | undefined): number | undefined {
  if (!stats) return undefined;
  try {
    const value = (JSON.parse(stats) as { numRecords?: unknown }).numRecords;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
