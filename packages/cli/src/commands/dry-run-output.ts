import { type PlanResult, redactUri } from '@drift-spark/core';
import { formatInt, formatUsd } from '../output/format.js';
import type { Output } from '../output/output.js';
import type { SummaryContext } from './run-summary.js';

/** What `--dry-run` prints: the plan, and that nothing was written. */
export function printPlan(output: Output, plan: PlanResult, context: SummaryContext): void {
  if (output.json) {
    output.result({
      dryRun: true,
      ...plan,
      model: context.embedder.id,
      sink: redactUri(context.sink.id),
      source: context.source.id,
    });
    return;
  }
  const c = output.colors;
  output.line(`${c.bold(`drift ${context.kind} --dry-run`)}: nothing was embedded or written`);
  output.line(
    `  ${formatInt(plan.rowsProcessed)} rows: ${formatInt(plan.rowsToEmbed)} to embed, ${formatInt(plan.rowsToReuse)} to reuse (same text), ` +
      `${formatInt(plan.rowsDeduped)} unchanged, ${formatInt(plan.rowsSkipped)} without text, ${formatInt(plan.rowsToDelete)} points to delete`,
  );
  if (plan.duplicateKeys > 0)
    output.line(
      `  warning: ${formatInt(plan.duplicateKeys)} rows repeat the key of an earlier row; only the last one read of each key would be embedded`,
    );
  output.line(
    `  about ${formatInt(plan.estimatedTokens)} tokens, ${formatUsd(plan.estimatedCostUsd)} at ${formatUsd(plan.usdPerMillionTokens)} per 1M tokens (${context.embedder.id})`,
  );
  output.line(`  sink: ${redactUri(context.sink.id)}`);
}
