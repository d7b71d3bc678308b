import { forget, redactUri } from '@drift-spark/core';
import { type ErasureReceipt, keyDigest } from '@drift-spark/core/internal';
import type { CliIo } from '../cli-io.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { formatDate, formatInt } from '../output/format.js';
import { requireLedgerReports } from '../resolve/ledger-reports.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { withCommand } from './command-context.js';
import { readForgetKeys } from './forget-keys.js';
import { openRecordedSink, openTable } from './maintenance-source.js';

export interface ForgetCommandOptions {
  table: string;
  key?: string[];
  keysFrom?: string;
  keyCol?: string;
  receipt?: string;
  reason?: string;
  spark?: string;
  ledger?: string;
  json?: boolean;
}

/** `drift forget`: erase rows from every sink of their table, with a receipt per key. */
export function forgetCommand(options: ForgetCommandOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const keyColumns = (options.keyCol ?? 'id').split(',').map((column) => column.trim());
    if (options.receipt !== undefined && (options.key?.length || options.keysFrom))
      throw usageError(
        '--receipt K prints the receipt of one key; pass it without --key/--keys-from.',
      );
    const { sourceId } = await openTable(options.table, options.spark, io, track.close);
    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    track.close(() => ledger.close());

    if (options.receipt !== undefined) {
      const reports = requireLedgerReports(ledger, 'drift forget --receipt');
      const receipts =
        (await reports.erasureReceipts?.(keyDigest(sourceId, options.receipt))) ?? [];
      if (output.json) output.result({ receipts: receipts.map(receiptObject) });
      else if (receipts.length === 0)
        output.error(
          `No erasure receipt for key ${options.receipt} of ${options.table}: check the key, --table and --ledger.`,
          'not-found',
        );
      else for (const receipt of receipts) printReceipt(output, receipt);
      return receipts.length === 0 ? ExitCode.Failed : ExitCode.Done;
    }

    const keys = readForgetKeys(options.key, options.keysFrom, keyColumns, io.cwd);
    const result = await forget({
      ledger,
      sourceId,
      keys,
      openSink: (sinkId) => openRecordedSink(sinkId, ledger, io, track.close),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    if (output.json) {
      output.result({
        status: 'succeeded',
        keys: keys.length,
        pointsDeleted: result.pointsDeleted,
        sinks: result.sinks.map(redactUri),
        runIds: result.runIds,
        receipts: result.receipts.map(receiptObject),
      });
      return ExitCode.Done;
    }
    const c = output.colors;
    output.line(
      `${c.bold('drift forget')} ${c.green('done')}: ${formatInt(keys.length)} keys erased from ${result.sinks.length} sink(s), ${formatInt(result.pointsDeleted)} live points deleted`,
    );
    for (const sink of result.sinks)
      output.line(`  sink: ${redactUri(sink)} (checked: returns none of them)`);
    output.line(
      '  The ledger keeps a receipt per key (no text, no content hash); the next embed skips these rows.',
    );
    output.line(c.dim(`  next: drift forget --table ${options.table} --receipt ${keys[0]}`));
    return ExitCode.Done;
  });
}

function receiptObject(receipt: ErasureReceipt): Record<string, unknown> {
  return {
    ...receipt,
    sinks: receipt.sinks.map((sink) => ({ ...sink, sinkId: redactUri(sink.sinkId) })),
  };
}

function printReceipt(output: import('../output/output.js').Output, receipt: ErasureReceipt): void {
  const c = output.colors;
  output.line(`${c.bold('erasure receipt')} ${formatDate(receipt.at)}`);
  output.line(`  key digest: ${receipt.keyDigest} (SHA-256 of source id and key)`);
  output.line(`  source:     ${receipt.sourceId}`);
  output.line(`  point id:   ${receipt.pointId}`);
  if (receipt.reason) output.line(`  reason:     ${receipt.reason}`);
  for (const sink of receipt.sinks)
    output.line(
      `  sink ${redactUri(sink.sinkId)}: deleted by run ${sink.runId}${sink.wasLive ? '' : ' (held no live point)'}, retrieve after delete returned ${sink.retrievedAfterDelete} at ${formatDate(sink.checkedAt)}`,
    );
}
