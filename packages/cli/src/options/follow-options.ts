import type { Command } from '@commander-js/extra-typings';
import { parseDurationMs, parsePort } from './parse-duration.js';
import { parseUsd } from './parse-options.js';

/** The flags of `drift watch` that keep it running and recover it. */
export function addFollowOptions<T extends Command<[], Record<string, unknown>>>(command: T) {
  return command
    .option(
      '--recover',
      'rebuild from a snapshot diffed against the ledger when the feed cannot go on (table recreated, versions vacuumed, feed switched off, the type of a column read changed): only changed rows are embedded',
    )
    .option(
      '--follow',
      'keep running: apply each new version as it is committed, until SIGTERM/Ctrl-C',
    )
    .option(
      '--interval <duration>',
      'with --follow: how often to look for new versions (e.g. 30s, 2m)',
      parseDurationMs,
    )
    .option(
      '--metrics-port <port>',
      'with --follow: serve Prometheus metrics on http://127.0.0.1:<port>/metrics',
      parsePort,
    )
    .option(
      '--max-cost-per-day <usd>',
      'with --follow: stop embedding once this sink spent this much today (UTC); deletes still apply, embedding resumes the next day',
      parseUsd,
    );
}

export const followHelp = `
Following a table (--follow):
  Each new version is applied as its own run and logged on stderr; with no new version
  drift sleeps --interval (default 30s). Failures of the store, the provider or the sink
  are logged and retried with growing waits; the loop keeps going. SIGTERM or Ctrl-C
  lets the version in flight finish and be recorded, then drift exits 0 (a second one
  quits at once). drift status --table shows the lag and backlog; --metrics-port exports
  drift_lag_seconds, drift_backlog_versions, drift_rows_embedded_total,
  drift_rows_deleted_total, drift_tokens_total, drift_cost_usd_total,
  drift_failures_total, drift_rate_limited_total and drift_budget_exhausted.

When the feed cannot go on (exit 1 says which):
  the table was recreated, versions after the checkpoint were vacuumed (or are past the
  feed's retention), the Change Data Feed was off for a while, or the type of a column
  drift reads changed (added columns are read through). Run the same command
  with --recover: a snapshot of the latest version is compared with the ledger, only
  rows whose text changed are embedded (a recreated table's unchanged rows reuse their
  vectors), deleted rows are removed, and the checkpoint moves to that version.
`;
