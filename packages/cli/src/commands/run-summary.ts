import {
  type Embedder,
  type Ledger,
  type RunResult,
  redactSecrets,
  redactUri,
  type Sink,
  type Source,
  type SyncResult,
} from '@drift-spark/core';
import { inCliTerms } from '../errors/cli-flags.js';
import { formatDuration, formatInt, formatUsd, shellQuote } from '../output/format.js';
import type { Output } from '../output/output.js';
import { describeDualWrite } from './migrate/migrate-watch.js';
import type { RunCommandOptions, RunKindFlag } from './run-command.js';

/** The counters of DESIGN §7, in that order, then what watch adds. */
const counterNames = [
  'rowsProcessed',
  'rowsDeduped',
  'rowsEmbedded',
  'rowsReused',
  'rowsSkipped',
  'rowsFailed',
  'rowsDeleted',
  'tokens',
  'costUsd',
] as const;

/** What a run's summary names besides its counters. */
export interface SummaryContext {
  kind: RunKindFlag;
  sink: Sink;
  sinkUri: string;
  sinkIsDefault: boolean;
  source: Source;
  embedder: Embedder;
  ledger: Ledger;
  options: RunCommandOptions;
  model: string;
  /** SINK_B's part of a watch while a migration is open. */
  migration?: Record<string, unknown>;
}

function resultObject(
  result: RunResult | SyncResult,
  context: SummaryContext,
): Record<string, unknown> {
  const object: Record<string, unknown> = { runId: result.runId, status: result.status };
  for (const name of counterNames) object[name] = result[name];
  object.durationS = result.durationS;
  object.duplicateKeys = result.duplicateKeys;
  object.rowsForgotten = result.rowsForgotten;
  object.rowsSwept = result.rowsSwept;
  if (context.kind === 'watch') {
    const sync = result as SyncResult;
    object.sinceVersion = sync.sinceVersion;
    object.toVersion = sync.toVersion;
    object.upToDate = sync.upToDate;
    object.inserted = sync.inserted;
    object.updated = sync.updated;
    object.deleted = sync.deleted;
    object.bootstrapped = sync.bootstrapped;
    if (sync.recoveryNeeded) object.recoveryNeeded = sync.recoveryNeeded;
  }
  object.model = context.embedder.id;
  object.shadowMode = context.options.shadowMode === true;
  object.sink = redactUri(context.sink.id);
  object.source = context.source.id;
  if (result.sinkLoss) object.sinkLoss = result.sinkLoss;
  if (result.pendingWritesSettled) object.pendingWritesSettled = result.pendingWritesSettled;
  if (context.migration) object.migration = context.migration;
  if (result.failures.length > 0)
    object.failures = result.failures.map((failure) => ({
      ...failure,
      reason: redactSecrets(failure.reason),
    }));
  if (result.error) object.error = inCliTerms(redactSecrets(result.error));
  return object;
}

/** The summary of a finished run: a few lines, or one --json object. */
export function printResult(
  output: Output,
  result: RunResult | SyncResult,
  context: SummaryContext,
): void {
  if (output.json) {
    output.result(resultObject(result, context));
    return;
  }
  const c = output.colors;
  const status =
    result.status === 'succeeded'
      ? c.green('done')
      : result.status === 'partial'
        ? c.yellow('partial: some rows failed')
        : c.red('failed');
  output.line(
    `${c.bold(`drift ${context.kind}`)} ${status} in ${formatDuration(result.durationS)} (run ${result.runId})`,
  );
  if (context.kind === 'watch') {
    const sync = result as SyncResult;
    const range = sync.bootstrapped
      ? `bootstrapped from a snapshot of version ${sync.toVersion}`
      : sync.upToDate
        ? `no new versions (table at version ${sync.toVersion})`
        : `versions ${sync.sinceVersion}..${sync.toVersion}`;
    output.line(
      `  ${range}: ${formatInt(sync.inserted)} inserted, ${formatInt(sync.updated)} updated, ${formatInt(sync.deleted)} deleted`,
    );
  }
  output.line(
    `  ${formatInt(result.rowsProcessed)} rows: ${formatInt(result.rowsEmbedded)} embedded, ${formatInt(result.rowsReused)} reused (same text), ` +
      `${formatInt(result.rowsDeduped)} unchanged, ${formatInt(result.rowsSkipped)} without text, ${formatInt(result.rowsFailed)} failed` +
      (result.rowsDeleted > 0 ? `, ${formatInt(result.rowsDeleted)} points deleted` : ''),
  );
  if (result.rowsSwept > 0)
    output.line(
      `  ${formatInt(result.rowsSwept)} of them swept: their rows are gone from the table`,
    );
  if (result.rowsForgotten > 0)
    output.line(
      `  ${formatInt(result.rowsForgotten)} rows skipped: erased by drift forget (--include-forgotten embeds them again)`,
    );
  const price = context.options.shadowMode
    ? 'shadow mode, $0'
    : `${formatUsd(context.embedder.price.usdPerMillionTokens)} per 1M tokens`;
  output.line(
    `  ${formatInt(result.tokens)} tokens, ${formatUsd(result.costUsd)} (${context.embedder.id}, ${price})`,
  );
  output.line(
    `  sink: ${redactUri(context.sink.id)}${context.sinkIsDefault ? ' (the embedded default; choose another with --sink)' : ''}`,
  );
  if (context.migration) output.line(`  ${describeDualWrite(context.migration)}`);
  if (result.error) output.line(`  ${c.red('error:')} ${inCliTerms(redactSecrets(result.error))}`);
  for (const failure of result.failures.slice(0, 5))
    output.line(
      `  ${c.yellow('failed row')} ${failure.key}: ${failure.code}: ${redactSecrets(failure.reason)}`,
    );
  if (result.rowsFailed > 0) output.line('  The next run retries the failed rows.');
  if (result.status !== 'failed') {
    const shadow = context.options.shadowMode ? ' --shadow-mode' : '';
    output.line(
      c.dim(
        `  next: drift search --sink ${shellQuote(redactUri(context.sinkUri))} --model ${context.model}${shadow} "your question"`,
      ),
    );
  }
}
