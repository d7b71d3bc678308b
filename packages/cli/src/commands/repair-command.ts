import { redactUri, repair } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../errors/cli-error.js';
import { formatInt, formatUsd } from '../output/format.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri, existingDefaultSinkUri } from '../resolve/resolve-sink.js';
import { parseTable } from '../resolve/resolve-table.js';
import { withCommand } from './command-context.js';
import { openTable } from './maintenance-source.js';
import { recordedChunking } from './recorded-chunking.js';
import type { RunCommandOptions } from './run-command.js';
import { resolveRunEmbedder } from './run-options.js';
import { printVerify } from './verify-command.js';

/** `drift repair`: fixes what `drift verify` finds, paying only for rows that need a vector. */
export function repairCommand(options: RunCommandOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const { source } = await openTable(options.table, options.spark, io, track.close);
    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    track.close(() => ledger.close());
    const sinkUri =
      options.sink ??
      existingDefaultSinkUri('repair', parseTable(options.table, io.cwd).shortName, io.cwd);
    const sink = await createSinkFromUri(sinkUri, io.importer, io.cwd);
    track.close(() => sink.close());
    track.sinkId(sink.id);
    // A chunked sink is repaired chunk by chunk, cut as --chunk says or its last run recorded.
    const chunking = options.chunk ?? (await recordedChunking(ledger, sink.id));
    const embedder = await resolveRunEmbedder(options, io);
    const result = await repair({
      source,
      sink,
      embedder,
      ledger,
      textColumn: options.textCol,
      ...(chunking ? { chunking } : {}),
      keyColumns: (options.keyCol ?? 'id').split(',').map((column) => column.trim()),
      ...(options.metadataCol
        ? { metadataColumns: options.metadataCol.split(',').map((column) => column.trim()) }
        : {}),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.storeContent === undefined ? {} : { storeContent: options.storeContent }),
      ...(options.maxCost === undefined ? {} : { maxCostUsd: options.maxCost }),
      ...(options.version === undefined ? {} : { version: options.version }),
      dryRun: options.dryRun === true,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    const { plan, found } = result;
    const run = result.embed;
    if (output.json) {
      output.result({
        dryRun: result.dryRun,
        status: run?.status ?? 'planned',
        found: { ...found, sinkId: redactUri(found.sinkId) },
        plan,
        ...(result.repairRunId ? { repairRunId: result.repairRunId } : {}),
        ...(run ? { embed: { ...run } } : {}),
      });
    } else {
      printVerify(output, found, 'found');
      const c = output.colors;
      output.line(
        `${c.bold(result.dryRun ? 'drift repair --dry-run' : 'drift repair')}: ${formatInt(plan.sinkDeletes)} points ${result.dryRun ? 'to delete' : 'deleted'}, ${formatInt(plan.ledgerDrops)} ledger rows ${result.dryRun ? 'to drop' : 'dropped'}, ${formatInt(plan.adopted)} points ${result.dryRun ? 'to record' : 'recorded'} from the sink`,
      );
      if (run)
        output.line(
          `  re-embedded: ${formatInt(run.rowsEmbedded)} embedded, ${formatInt(run.rowsReused)} reused (same text), ${formatInt(run.tokens)} tokens, ${formatUsd(run.costUsd)} (run ${run.runId}, ${run.status})`,
        );
      else
        output.line(
          `  to re-embed: ${formatInt(plan.embed.rowsToEmbed)} texts, ${formatInt(plan.embed.rowsToReuse)} reused, about ${formatInt(plan.embed.estimatedTokens)} tokens, ${formatUsd(plan.embed.estimatedCostUsd)}; nothing was changed`,
        );
    }
    if (!run) return ExitCode.Done;
    return run.status === 'failed'
      ? ExitCode.Failed
      : run.status === 'partial'
        ? ExitCode.Partial
        : ExitCode.Done;
  });
}
