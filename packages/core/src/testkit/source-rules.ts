import { expect } from 'vitest';
import type { Row, Source } from '../spec/source-v1.js';
import { collect, hasCode } from './testkit-helpers.js';

/** What the source rules work with. */
export interface SourceHarness {
  create: () => Promise<Source> | Source;
  columns: string[];
  batchSize: number;
}

/** One rule of the source contract that holds for any table. */
export interface SourceRule {
  name: string;
  run(harness: SourceHarness): Promise<void>;
}

/** Opens a source, runs `use`, closes it whatever happens. */
export async function withSource<T>(
  harness: SourceHarness,
  use: (source: Source) => Promise<T>,
): Promise<T> {
  const source = await harness.create();
  try {
    return await use(source);
  } finally {
    await source.close?.();
  }
}

/** Rows in a canonical order, to compare scans that may order rows differently. */
function sorted(rows: Row[]): Row[] {
  const text = (row: Row) =>
    JSON.stringify(row, (_, value) => (typeof value === 'bigint' ? `${value}n` : value));
  return [...rows].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

/** Scans the source, copying each batch's rows as it arrives (what a slow consumer sees). */
async function scanAsItArrives(source: Source, harness: SourceHarness) {
  const asItArrived: Row[] = [];
  const kept: Row[] = [];
  for await (const batch of source.scan({
    columns: harness.columns,
    batchSize: harness.batchSize,
  })) {
    asItArrived.push(...structuredClone(batch.rows));
    kept.push(...batch.rows);
  }
  return { asItArrived, kept };
}

/** An `aborted` DriftError, or the platform's own AbortError (what `fetch` and streams throw). */
const abortRejection = (error: unknown) =>
  hasCode('aborted')(error) || (error instanceof Error && error.name === 'AbortError');

export const sourceRules: SourceRule[] = [
  {
    name: 'gives the same rows on every scan, each batch its own objects',
    async run(h) {
      await withSource(h, async (source) => {
        const first = await scanAsItArrives(source, h);
        // A row handed out must not change when the source reads on (a reused buffer).
        expect(first.kept, 'rows kept from earlier batches').toEqual(first.asItArrived);
        for (const row of first.kept) for (const column of h.columns) row[column] = 'scribbled';
        const second = await scanAsItArrives(source, h);
        expect(sorted(second.kept)).toEqual(sorted(first.asItArrived));
      });
    },
  },
  {
    name: 'refuses describe, scan and changes given an aborted signal',
    async run(h) {
      await withSource(h, async (source) => {
        const controller = new AbortController();
        controller.abort();
        const { signal } = controller;
        await expect(source.describe({ signal }), 'describe').rejects.toSatisfy(abortRejection);
        await expect(
          collect(source.scan({ columns: h.columns, batchSize: h.batchSize, signal })),
          'scan',
        ).rejects.toSatisfy(abortRejection);
        const { changeFeed, latestVersion } = await source.describe();
        if (!changeFeed || !source.changes) return;
        const changes = source.changes({
          columns: h.columns,
          fromVersion: latestVersion ?? 0,
          signal,
        });
        await expect(collect(changes), 'changes').rejects.toSatisfy(abortRejection);
      });
    },
  },
];
