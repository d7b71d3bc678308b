#!/usr/bin/env node
import { constants } from 'node:os';
import { redactSecrets } from '@drift-spark/core';
import { secretsFromEnv } from '@drift-spark/core/internal';
import { processIo } from './cli-io.js';
import { applyNativeMemoryPolicy } from './native-memory.js';
import { runCli } from './program.js';

// Before any sink loads its native library: glibc gives freed memory back (see native-memory.ts).
applyNativeMemoryPolicy();

// Ctrl-C (or SIGTERM) aborts the run cleanly: the engine stops, the run is recorded as
// interrupted, the exit code is the shell's 128 + signal number (130 for Ctrl-C), and the
// next run picks up from the checkpoint. A second Ctrl-C quits at once.
const controller = new AbortController();
let interrupted: NodeJS.Signals | undefined;
const signalExitCode = (signal: NodeJS.Signals) => 128 + (constants.signals[signal] ?? 0);
const stop = (signal: NodeJS.Signals) => {
  if (interrupted) process.exit(signalExitCode(interrupted));
  interrupted = signal;
  process.stderr.write(
    `\ndrift: ${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after the batches in flight (press Ctrl-C again to quit now).\n`,
  );
  controller.abort(new Error(`interrupted by ${signal}`));
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
    // A command the signal stopped exits as the shell expects; one that finished anyway keeps 0.
    process.exitCode = interrupted && code !== 0 ? signalExitCode(interrupted) : code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(`drift: ${redactSecrets(message ?? '', secretsFromEnv(process.env))}\n`);
    if (process.env.DRIFT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
