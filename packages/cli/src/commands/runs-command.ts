import { redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../errors/cli-error.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import { withCommand } from './command-context.js';
import { runObject, runStateNotes, runsTable } from './status-command.js';

export interface RunsOptions {
  sink?: string;
  limit?: number;
  ledger?: string;
  json?: boolean;
}

/** The most recent runs, of one sink or of all. */
export function runsCommand(options: RunsOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    let sinkId: string | undefined;
    if (options.sink) {
      const sink = await createSinkFromUri(options.sink, io.importer, io.cwd);
      sinkId = sink.id;
      track.close(() => sink.close());
    }
    const ledger = await openLedger(ledgerPath(options.ledger, io.env, io.cwd), io.importer);
    track.close(() => ledger.close());
    const runs = await ledger.recentRuns({ sinkId, limit: options.limit ?? 20 });
    if (output.json) {
      output.result({ runs: runs.map(runObject) });
      return ExitCode.Done;
    }
    if (runs.length === 0) {
      output.line(
        sinkId
          ? `No runs recorded for ${redactUri(options.sink ?? '')} in this ledger.`
          : 'No runs recorded in this ledger yet: start with drift embed.',
      );
      return ExitCode.Done;
    }
    output.line(runsTable(runs, { withSink: sinkId === undefined }));
    for (const note of runStateNotes(runs)) output.line(note);
    return ExitCode.Done;
  });
}
