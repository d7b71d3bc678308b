import {
  type Embedder,
  type Ledger,
  planEmbed,
  redactUri,
  type Sink,
  type Source,
} from '@drift-spark/core';
import type { CliIo } from '../../cli-io.js';
import { formatDuration, formatInt, formatUsd } from '../../output/format.js';
import type { Output } from '../../output/output.js';
import { resolveEmbedder } from '../../resolve/resolve-embedder.js';
import { createSinkFromUri } from '../../resolve/resolve-sink.js';
import { migrationChunking } from './migrate-chunking.js';
import type { MigrationSettings } from './migrate-context.js';

/** Paired samples an adapter is fitted on, unless --pairs says otherwise. */
export const defaultPairs = 2000;
/** Assumed provider latency per call for the time estimate (the provider publishes no rate here). */
const assumedCallSeconds = 0.4;

export interface MigrationPlan {
  fromModel: string;
  toSink: string;
  toModel: string;
  rows: number;
  rowsWithoutText: number;
  /** A full re-embed with model B into SINK_B. */
  reembed: { rowsToEmbed: number; tokens: number; costUsd: number; calls: number; seconds: number };
  /**
   * Rows SINK_B already holds with the same text (a resumed backfill), rows whose text
   * repeats another row's (paid once), and texts already embedded with B in other sinks.
   */
  reusable: {
    inTargetSink: number;
    repeatedTexts: number;
    elsewhere: { sink: string; texts: number }[];
  };
  /** The adapter path instead: N texts embedded with both models. */
  adapter: { pairs: number; tokens: number; costUsd: number };
}

interface PlanInput {
  ledger: Ledger;
  source: Source;
  sinkB: Sink;
  settings: MigrationSettings;
  fromModel: string;
}

/**
 * What `drift migrate start` would do and cost, without a provider call or a write: the
 * engine's own dry run (same dedup) against SINK_B, the same against every other sink
 * the ledger knows embedded with model B, and the price of an adapter's paired samples.
 */
export async function migrationPlan(
  input: PlanInput,
  options: { toModel: string; pairs?: number; tokensPerMinute?: number },
  io: CliIo,
): Promise<MigrationPlan> {
  const { settings } = input;
  const embedder = (model: string) =>
    resolveEmbedder({
      model,
      shadow: settings.shadowMode,
      env: io.env,
      importer: io.importer,
      cwd: io.cwd,
    });
  const [embedderA, embedderB] = [await embedder(input.fromModel), await embedder(options.toModel)];
  const dryRun = (sink: Sink) =>
    planEmbed({
      source: input.source,
      sink,
      embedder: embedderB,
      ledger: input.ledger,
      textColumn: settings.textColumn,
      keyColumns: settings.keyColumns,
      metadataColumns: settings.metadataColumns,
      ...migrationChunking(settings),
      ...(io.signal ? { signal: io.signal } : {}),
    });
  const plan = await dryRun(input.sinkB);
  const elsewhere: MigrationPlan['reusable']['elsewhere'] = [];
  for (const sinkId of await sinksEmbeddedWith(input.ledger, embedderB, input.sinkB.id)) {
    const other = await createSinkFromUri(sinkId, io.importer, io.cwd).catch(() => undefined);
    if (!other) continue;
    try {
      const there = await dryRun(other);
      elsewhere.push({ sink: redactUri(sinkId), texts: there.rowsDeduped + there.rowsToReuse });
    } finally {
      await other.close();
    }
  }
  const rows = plan.rowsProcessed;
  const withText = rows - plan.rowsSkipped;
  const calls = Math.max(
    Math.ceil(plan.rowsToEmbed / embedderB.limits.maxInputsPerCall),
    Math.ceil(plan.estimatedTokens / embedderB.limits.maxTokensPerCall),
  );
  const parallel = Math.max(
    1,
    Math.min(settings.concurrency ?? 4, embedderB.limits.maxConcurrentCalls),
  );
  const byCalls = (calls * assumedCallSeconds) / parallel;
  const byRate = options.tokensPerMinute
    ? (plan.estimatedTokens / options.tokensPerMinute) * 60
    : 0;
  const pairs = Math.min(options.pairs ?? defaultPairs, withText);
  const tokensPerText = withText === 0 ? 0 : plan.estimatedTokens / Math.max(1, plan.rowsToEmbed);
  const pairTokens = Math.round(pairs * tokensPerText);
  return {
    fromModel: embedderA.id,
    toSink: redactUri(input.sinkB.id),
    toModel: embedderB.id,
    rows,
    rowsWithoutText: plan.rowsSkipped,
    reembed: {
      rowsToEmbed: plan.rowsToEmbed,
      tokens: plan.estimatedTokens,
      costUsd: plan.estimatedCostUsd,
      calls,
      seconds: Math.max(byCalls, byRate),
    },
    reusable: { inTargetSink: plan.rowsDeduped, repeatedTexts: plan.rowsToReuse, elsewhere },
    adapter: {
      pairs,
      tokens: pairTokens * 2,
      costUsd:
        (pairTokens * (embedderA.price.usdPerMillionTokens + embedderB.price.usdPerMillionTokens)) /
        1e6,
    },
  };
}

/** Other sinks whose runs used model B's fingerprint (from the ledger's recent runs). */
async function sinksEmbeddedWith(ledger: Ledger, embedder: Embedder, except: string) {
  const runs = await ledger.recentRuns({ limit: 1000 });
  const sinks = new Set<string>();
  for (const run of runs)
    if (run.fingerprint === embedder.fingerprint && run.sinkId !== except) sinks.add(run.sinkId);
  return [...sinks].slice(0, 5);
}

export function printPlan(output: Output, plan: MigrationPlan): void {
  if (output.json) {
    output.result({ dryRun: true, ...plan });
    return;
  }
  const c = output.colors;
  output.line(
    `${c.bold('drift migrate plan')}: ${plan.fromModel} → ${plan.toModel} (nothing was embedded or written)`,
  );
  output.line(
    `  table: ${formatInt(plan.rows)} rows, ${formatInt(plan.rowsWithoutText)} without text`,
  );
  output.line(
    `  full re-embed into ${plan.toSink}: ${formatInt(plan.reembed.rowsToEmbed)} texts, about ${formatInt(plan.reembed.tokens)} tokens, ${formatUsd(plan.reembed.costUsd)}, ` +
      `${formatInt(plan.reembed.calls)} provider calls, about ${formatDuration(plan.reembed.seconds)} at the provider's limits`,
  );
  output.line(
    `  reusable: ${formatInt(plan.reusable.inTargetSink)} rows already in ${plan.toSink}`,
  );
  for (const other of plan.reusable.elsewhere)
    output.line(
      `  reusable: ${formatInt(other.texts)} texts already embedded with ${plan.toModel} in ${other.sink}`,
    );
  output.line(
    `  adapter instead: ${formatInt(plan.adapter.pairs)} paired samples, about ${formatInt(plan.adapter.tokens)} tokens, ${formatUsd(plan.adapter.costUsd)} (drift migrate adapter fit)`,
  );
  output.line(c.dim('  next: drift migrate start (same flags) creates SINK_B and backfills it'));
}
