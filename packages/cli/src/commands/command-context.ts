import { redactUri } from '@drift-spark/core';
import type { CliIo } from '../cli-io.js';
import { describeError } from '../errors/describe-error.js';
import { Output } from '../output/output.js';

/**
 * Runs a command body with its output, closes what it opened, and turns any error into
 * one line and an exit code.
 */
export async function withCommand(
  io: CliIo,
  options: { json?: boolean },
  body: (
    output: Output,
    track: { close(closer: () => Promise<void> | void): void; sinkId(id: string): void },
  ) => Promise<number>,
): Promise<number> {
  const output = new Output(io, { json: options.json === true });
  const closers: (() => Promise<void> | void)[] = [];
  let sinkId: string | undefined;
  try {
    return await body(output, {
      close: (closer) => closers.push(closer),
      sinkId: (id) => {
        sinkId = id;
      },
    });
  } catch (error) {
    const described = describeError(error, {
      sinkId: sinkId ? redactUri(sinkId) : undefined,
      env: io.env,
    });
    output.error(described.message, described.code);
    if (io.env.DRIFT_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return described.exitCode;
  } finally {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch {
        // best effort
      }
    }
  }
}
