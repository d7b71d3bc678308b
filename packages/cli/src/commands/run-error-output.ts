import { type DriftEvent, redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { describeError } from '../errors/describe-error.js';
import type { Output } from '../output/output.js';
import type { RunKindFlag } from './run-command.js';
import { stoppedResultObject } from './stopped-run-result.js';

/** What the events said of a run before an error (Ctrl-C, SIGTERM) stopped it. */
export interface RunEventsSeen {
  started?: Extract<DriftEvent, { type: 'run-start' }>;
  ended?: Extract<DriftEvent, { type: 'run-end' }>;
}

/** Prints an error that stopped `embed` or `watch` as one line (or its --json object); returns the exit code. */
export function reportRunError(
  error: unknown,
  kind: RunKindFlag,
  context: { output: Output; io: CliIo; sinkId: string | undefined; seen: RunEventsSeen },
): number {
  const { output, io, sinkId } = context;
  const { started, ended } = context.seen;
  const described = describeError(error, {
    sinkId: sinkId ? redactUri(sinkId) : undefined,
    env: io.env,
  });
  if (described.code === 'aborted' && io.signal?.aborted) {
    described.message = `Stopped: ${started ? `run ${started.runId} is recorded as interrupted; ` : ''}run the same command again to go on from where it stopped.`;
  }
  if (output.json && ended?.status === 'failed') {
    // A run that was recorded keeps its documented counters in --json, whatever stopped it.
    output.note(`${output.errorColors.red('drift:')} ${described.message}`);
    output.result(stoppedResultObject(kind, started, ended, described));
  } else output.error(described.message, described.code);
  if (io.env.DRIFT_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
  return described.exitCode;
}
