import type { RunCounters } from '@drift-spark/core';
import { formatInt, formatUsd } from './format.js';

/** Where a run stands, from its rows done, its total (when the source knows) and the time spent. */
export interface ProgressFigures {
  done: number;
  total?: number;
  /** 0–100, when the total is known. */
  percent?: number;
  rowsPerSecond: number;
  /** Seconds left at the rate so far; undefined before the first rows or without a total. */
  etaS?: number;
}

export function progressFigures(
  done: number,
  total: number | undefined,
  elapsedMs: number,
): ProgressFigures {
  const rowsPerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const figures: ProgressFigures = { done, rowsPerSecond };
  if (total === undefined) return figures;
  figures.total = total;
  figures.percent = total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 100;
  if (rowsPerSecond > 0) figures.etaS = Math.max(0, Math.ceil((total - done) / rowsPerSecond));
  return figures;
}

/** `12 s`, `3 min 04 s`, `1 h 02 min`; `…` while unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return '…';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The counters a person watches, the same words in the bar and in the plain lines. */
export function formatCounters(counters: RunCounters): string {
  return `${formatInt(counters.rowsEmbedded)} embedded, ${formatInt(counters.rowsDeduped)} unchanged | ${formatUsd(counters.costUsd)}`;
}

/** One plain progress line for logs that are not a terminal (CI). */
export function plainProgressLine(figures: ProgressFigures, counters: RunCounters): string {
  const rows =
    figures.total === undefined
      ? `${formatInt(figures.done)} rows`
      : `${formatInt(figures.done)}/${formatInt(figures.total)} rows (${figures.percent}%)`;
  const eta = figures.total === undefined ? '' : ` | ETA ${formatEta(figures.etaS)}`;
  return `progress: ${rows} | ${formatInt(figures.rowsPerSecond)} rows/s${eta} | ${formatCounters(counters)}`;
}
