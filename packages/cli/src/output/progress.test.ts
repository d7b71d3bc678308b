import type { RunCounters } from '@drift-spark/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Output } from './output.js';
import { ProgressDisplay } from './progress.js';
import { formatEta, progressFigures } from './progress-figures.js';

const counters = (rowsProcessed: number): RunCounters => ({
  rowsProcessed,
  rowsDeduped: 0,
  rowsEmbedded: rowsProcessed,
  rowsReused: 0,
  rowsSkipped: 0,
  rowsFailed: 0,
  rowsDeleted: 0,
  tokens: 0,
  costUsd: 0,
});

/** A display writing to a pipe (not a terminal), as in CI. */
function piped(json: boolean) {
  let stderr = '';
  const output = new Output(
    {
      stdout: { write: () => true },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: { DRIFT_PROGRESS_INTERVAL: '2' },
      cwd: '/',
    },
    { json },
  );
  return { display: new ProgressDisplay(output), lines: () => stderr.split('\n').filter(Boolean) };
}

const start = {
  type: 'run-start',
  runId: 'r',
  kind: 'embed',
  sourceId: 's',
  sinkId: 'k',
  model: 'm',
} as const;

describe('progress off a terminal', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('prints a plain line at the start and every DRIFT_PROGRESS_INTERVAL seconds until the run ends', () => {
    const { display, lines } = piped(false);
    display.stage('starting the embedded database (PGlite) at ./.drift/t');
    vi.advanceTimersByTime(3000);
    display.onEvent({ ...start, totalRows: 1000 });
    vi.advanceTimersByTime(1000);
    display.onEvent({ type: 'batch-end', runId: 'r', batch: 1, counters: counters(250) });
    vi.advanceTimersByTime(1000);
    display.onEvent({
      type: 'run-end',
      runId: 'r',
      status: 'succeeded',
      counters: counters(1000),
      durationS: 4,
    });
    vi.advanceTimersByTime(10_000);
    expect(lines()).toEqual([
      'starting the embedded database (PGlite) at ./.drift/t…',
      'starting the embedded database (PGlite) at ./.drift/t: ready in 3.0 s',
      'progress: 0/1,000 rows (0%) | 0 rows/s | ETA … | 0 embedded, 0 unchanged | $0',
      'progress: 250/1,000 rows (25%) | 125 rows/s | ETA 6 s | 250 embedded, 0 unchanged | $0',
    ]);
  });

  it('prints nothing with --json', () => {
    const { display, lines } = piped(true);
    display.stage('starting the embedded database (PGlite) at ./.drift/t');
    display.stageEnd();
    display.onEvent({ ...start, totalRows: 10 });
    vi.advanceTimersByTime(10_000);
    display.stop();
    expect(lines()).toEqual([]);
  });

  it('counts rows without a percentage when the source does not know its size', () => {
    expect(progressFigures(500, undefined, 2000)).toEqual({ done: 500, rowsPerSecond: 250 });
    expect(progressFigures(500, 1000, 2000)).toMatchObject({ percent: 50, etaS: 2 });
    expect(progressFigures(0, 1000, 2000).etaS).toBeUndefined();
    expect([formatEta(undefined), formatEta(59), formatEta(125), formatEta(7260)]).toEqual([
      '…',
      '59 s',
      '2 min 05 s',
      '2 h 01 min',
    ]);
  });
});
