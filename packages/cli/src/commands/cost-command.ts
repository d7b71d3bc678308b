import { type CostDimension, redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../errors/cli-error.js';
import { formatInt, formatUsd } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { requireLedgerReports } from '../resolve/ledger-reports.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { withCommand } from './command-context.js';

export const costDimensions: CostDimension[] = ['model', 'sink', 'source', 'run'];

export interface CostOptions {
  by: CostDimension;
  since?: Date;
  ledger?: string;
  json?: boolean;
}

/** What the embeddings cost, grouped by model, sink, source or run, from the ledger. */
export function costCommand(options: CostOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    track.close(() => ledger.close());
    const rows = await requireLedgerReports(ledger, 'drift cost').cost({
      by: options.by,
      since: options.since,
    });
    const total = rows.reduce(
      (sum, row) => ({
        tokens: sum.tokens + row.tokens,
        costUsd: sum.costUsd + row.costUsd,
        embeddings: sum.embeddings + row.embeddings,
      }),
      { tokens: 0, costUsd: 0, embeddings: 0 },
    );
    const group = (value: string) => (options.by === 'sink' ? redactUri(value) : value);
    if (output.json) {
      output.result({
        by: options.by,
        rows: rows.map((row) => ({ ...row, group: group(row.group) })),
        total,
      });
      return ExitCode.Done;
    }
    if (rows.length === 0) {
      output.line('Nothing recorded in this ledger yet: start with drift embed.');
      return ExitCode.Done;
    }
    const body = rows.map((row) => [
      group(row.group),
      formatInt(row.embeddings),
      formatInt(row.tokens),
      formatUsd(row.costUsd),
      formatInt(row.runs),
    ]);
    body.push([
      'total',
      formatInt(total.embeddings),
      formatInt(total.tokens),
      formatUsd(total.costUsd),
      '',
    ]);
    output.line(
      renderTable([options.by, 'embeddings', 'tokens', 'cost', 'runs'], body, {
        colAligns: ['left', 'right', 'right', 'right', 'right'],
      }),
    );
    return ExitCode.Done;
  });
}
