import { redactUri, type VerifyResult, verify } from '@drift-spark/core';
import { type ChunkSpec, driftKinds } from '@drift-spark/core/internal';
import type { CliIo } from '../cli-io.js';
import { CliError, ExitCode } from '../errors/cli-error.js';
import { formatDuration, formatInt } from '../output/format.js';
import type { Output } from '../output/output.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri, existingDefaultSinkUri } from '../resolve/resolve-sink.js';
import { parseTable } from '../resolve/resolve-table.js';
import { withCommand } from './command-context.js';
import { openTable } from './maintenance-source.js';
import { verifyChunking } from './recorded-chunking.js';
import { recordedModel } from './sink-reading.js';

export interface VerifyCommandOptions {
  table: string;
  /** Default: the embedded default sink drift embed wrote for the table, when there is one. */
  sink?: string;
  textCol: string;
  keyCol?: string;
  model?: string;
  dimensions?: number;
  version?: number;
  spark?: string;
  ledger?: string;
  json?: boolean;
  /** `--chunk`: the sink holds chunks cut this way (default: as its last run recorded). */
  chunk?: ChunkSpec;
}

/** What each kind means, for the summary. */
export const driftKindText: Record<(typeof driftKinds)[number], string> = {
  missing: 'missing (a row with text, no point)',
  orphan: 'orphan (a point whose row is gone)',
  stale: "stale (the point's content hash is not the row's)",
  otherModel: 'of another model',
  ledgerWithoutPoint: 'ledger rows without a point (row gone too)',
  unrecorded: 'not recorded in the ledger as they are',
};

/** `drift verify`: table, ledger and sink held against each other. Exit 4 when they drifted. */
export function verifyCommand(options: VerifyCommandOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    const { source } = await openTable(options.table, options.spark, io, track.close);
    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    track.close(() => ledger.close());
    const sinkUri =
      options.sink ??
      existingDefaultSinkUri('verify', parseTable(options.table, io.cwd).shortName, io.cwd);
    const sink = await createSinkFromUri(sinkUri, io.importer, io.cwd);
    track.close(() => sink.close());
    track.sinkId(sink.id);
    const recorded = await recordedModel(ledger, sink.id);
    const model = options.model ?? recorded?.model;
    const dimensions = options.dimensions ?? recorded?.dimensions;
    if (model === undefined || dimensions === undefined)
      throw new CliError(
        `The ledger has no run into ${redactUri(sink.id)}: say which model it should hold with --model and --dimensions.`,
        { exitCode: ExitCode.Usage, code: 'usage' },
      );
    const result = await verify({
      source,
      sink,
      ledger,
      textColumn: options.textCol,
      keyColumns: (options.keyCol ?? 'id').split(',').map((column) => column.trim()),
      model,
      dimensions,
      ...(await verifyChunking(options.chunk, { ledger, sinkId: sink.id, model, dimensions }, io)),
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    printVerify(output, result);
    return result.inStep ? ExitCode.Done : ExitCode.Drift;
  });
}

export function verifyObject(result: VerifyResult): Record<string, unknown> {
  return { ...result, sinkId: redactUri(result.sinkId) };
}

export function printVerify(output: Output, result: VerifyResult, title = 'drift verify'): void {
  if (output.json) {
    output.result(verifyObject(result));
    return;
  }
  const c = output.colors;
  const total = driftKinds.reduce((sum, kind) => sum + result.drift[kind], 0);
  output.line(
    `${c.bold(title)} ${result.inStep ? c.green('in step') : c.yellow(`${formatInt(total)} points drifted`)} (${formatDuration(result.durationS)})`,
  );
  output.line(
    `  table ${formatInt(result.tableRows)} rows with text (version ${result.version ?? '-'}), ledger ${formatInt(result.ledgerRows)} live rows, sink ${formatInt(result.sinkPoints)} points of this table`,
  );
  for (const kind of driftKinds) {
    if (result.drift[kind] === 0) continue;
    output.line(
      `  ${formatInt(result.drift[kind])} ${driftKindText[kind]}: e.g. ${result.examples[kind].slice(0, 3).join(', ')}`,
    );
  }
  if (result.forgotten > 0)
    output.line(
      `  ${formatInt(result.forgotten)} rows erased on request (drift forget) are still in the table: not counted as missing`,
    );
  output.line(`  sink: ${redactUri(result.sinkId)}, model ${result.model}`);
  if (!result.inStep)
    output.line(c.dim('  next: drift repair --dry-run with the same flags as drift embed'));
}
