#!/usr/bin/env node
import { redactSecrets, secretsFromEnv } from '@drift-spark/core';
import { processIo } from './cli-io.js';
import { runCli } from './program.js';

// Ctrl-C (or SIGTERM) aborts the run cleanly: the engine stops, the run is recorded as
// failed with the reason, and the next run picks up from the checkpoint. A second Ctrl-C quits at once.
const controller = new AbortController();
let interrupted = false;
const stop = (signal: NodeJS.Signals) => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write(
    `\ndrift: ${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after the batches in flight (press Ctrl-C again to quit now).\n`,
  );
  controller.abort(new Error(`Interrupted by ${signal}.`));
};
process.on('SIGINT', stop);
// `drift runs | head` closes stdout early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.on('SIGTERM', stop);

runCli(process.argv.slice(2), processIo(controller.signal)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`drift: ${redactSecrets(message ?? '', secretsFromEnv(process.env))}\n`);
    if (process.env.DRIFT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
