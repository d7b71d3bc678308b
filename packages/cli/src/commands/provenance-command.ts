import { type Provenance, type ProvenanceQuery, redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { formatDate, formatInt, formatUsd } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { requireLedgerReports } from '../resolve/ledger-reports.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import { createSource, parseTable } from '../resolve/resolve-table.js';
import { withCommand } from './command-context.js';
import { runObject } from './status-command.js';

export interface ProvenanceOptions {
  key?: string;
  table?: string;
  sink?: string;
  spark?: string;
  ledger?: string;
  json?: boolean;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a vector came from: its row, its text's hash, the model, the run, what it cost, and its history. */
export function provenanceCommand(
  pointId: string | undefined,
  options: ProvenanceOptions,
  io: CliIo,
): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    let query: ProvenanceQuery;
    if (pointId !== undefined) {
      if (options.key !== undefined)
        throw usageError('Pass either a point id or --key K --table T, not both.');
      if (!uuid.test(pointId))
        throw usageError(
          `"${pointId}" is not a point id (a UUID): pass one, or --key K --table T to look a row up by its key.`,
        );
      query = { pointId: pointId.toLowerCase() };
    } else {
      if (options.key === undefined || options.table === undefined) {
        throw usageError(
          'Pass a point id, or --key K with --table T: e.g. drift provenance --key 42 --table ./tickets.',
        );
      }
      const target = parseTable(options.table, io.cwd);
      const sparkRemote =
        options.spark ?? (target.kind === 'catalog' ? io.env.SPARK_REMOTE : undefined);
      const source = await createSource({ target, sparkRemote, importer: io.importer });
      if (source.close) track.close(() => source.close?.());
      const description = await source.describe({ signal: io.signal });
      query = { key: options.key, sourceId: description.id };
      if (options.sink) {
        const sink = await createSinkFromUri(options.sink, io.importer, io.cwd);
        track.close(() => sink.close());
        query.sinkId = sink.id;
      }
    }
    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    track.close(() => ledger.close());
    const found = await requireLedgerReports(ledger, 'drift provenance').provenance(query);

    if (output.json) {
      output.result({ query, points: found.map(provenanceObject) });
      return found.length === 0 ? ExitCode.Failed : ExitCode.Done;
    }
    if (found.length === 0) {
      output.error(
        pointId !== undefined
          ? `The ledger has no point ${pointId}: check the id (drift search shows ids) and --ledger.`
          : `The ledger has nothing for key ${options.key} of ${options.table}: check the key and --ledger.`,
        'not-found',
      );
      return ExitCode.Failed;
    }
    for (const entry of found) printProvenance(output, entry);
    return ExitCode.Done;
  });
}

function provenanceObject(entry: Provenance): Record<string, unknown> {
  return {
    point: entry.point ? { ...entry.point, sinkId: redactUri(entry.point.sinkId) } : null,
    history: entry.history.map((item) => ({ ...item, sinkId: redactUri(item.sinkId) })),
    run: entry.run ? runObject(entry.run) : null,
  };
}

function printProvenance(output: Output, entry: Provenance): void {
  const c = output.colors;
  const point = entry.point;
  if (point) {
    output.line(`${c.bold('point')} ${point.pointId} ${c.green('live')}`);
    output.line(`  sink:         ${redactUri(point.sinkId)}`);
    output.line(`  source:       ${point.sourceId}`);
    output.line(`  key:          ${point.key}`);
    output.line(`  content hash: ${point.contentHash} (SHA-256 of the text embedded)`);
    output.line(`  model:        ${point.model} (${point.fingerprint})`);
    output.line(`  cost:         ${formatInt(point.tokens)} tokens, ${formatUsd(point.costUsd)}`);
    output.line(`  written by:   run ${point.runId} at ${formatDate(point.updatedAt)}`);
  } else {
    const last = entry.history[entry.history.length - 1];
    output.line(
      `${c.bold('point')} ${last?.pointId ?? ''} ${c.yellow('not live')} (deleted or erased)`,
    );
    if (last) output.line(`  source: ${last.sourceId}, key ${last.key}`);
  }
  if (entry.run) {
    output.line(
      `  run:          ${entry.run.kind} ${entry.run.status}, started ${formatDate(entry.run.startedAt)}, price ${formatUsd(entry.run.usdPerMillionTokens)}/1M tokens (${entry.run.priceSource})`,
    );
  }
  if (entry.history.length > 0) {
    output.line('  history:');
    output.line(
      renderTable(
        ['at', 'action', 'content hash', 'run', 'reason'],
        entry.history.map((item) => [
          formatDate(item.at),
          item.action,
          item.contentHash ? item.contentHash.slice(0, 16) : '',
          item.runId,
          item.reason ?? '',
        ]),
      ),
    );
  }
  output.line('');
}

type Output = import('../output/output.js').Output;
