import type { ChildProcess } from 'node:child_process';
import { type DriftRun, runDrift } from './cli-harness.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';

export interface KillOnHeldProxy {
  proxy: FaultProxy;
  /** Runs the CLI as `runDrift` does; this process is the one killed when an answer is held. */
  runDrift(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<DriftRun>;
}

/**
 * A proxy in front of `target` that keeps from drift the answers `holdAnswer` picks and then
 * SIGKILLs it: the server did the work, the process dies before it hears so (the moment
 * between a sink's write and the ledger's record that the kill tests need).
 */
export async function startKillOnHeldProxy(
  target: string,
  holdAnswer: (method: string, url: string) => boolean,
): Promise<KillOnHeldProxy> {
  let child: ChildProcess | undefined;
  const proxy = await startFaultProxy(target, () => 'pass', {
    holdAnswer,
    onHeld: () => child?.kill('SIGKILL'),
  });
  return {
    proxy,
    runDrift: (args, options) =>
      runDrift(args, {
        ...options,
        onStart: (started) => {
          child = started;
        },
      }),
  };
}
