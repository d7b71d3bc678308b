import type { ChildProcess } from 'node:child_process';
import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  openAIError,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { model } from './cli-args.js';
import { type DriftRun, runDrift } from './cli-harness.js';

/** Helpers of the `drift watch --follow` tests: the child, its metrics, a faulty provider. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One sample of /metrics: the gauges and counters by name. */
export async function scrape(port: number): Promise<Map<string, number>> {
  // A fresh connection per scrape: a kept-alive one may be closed by the server as it is reused.
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: { connection: 'close' },
  });
  const text = await response.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(drift_[a-z_]+) ([-0-9.e+]+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

/** The OpenAI stand-in failing 10% of calls, half 500s, half 429s; `served` counts them. */
export function startFaultyProvider(
  faults: () => number,
  served: { errors: number; rateLimited: number },
): Promise<TestServer> {
  const embeddings = openAIEmbeddingsHandler();
  return startTestServer({
    [openAIEmbeddingsRoute]: (request, context) => {
      // The 2nd and 3rd calls always fail, so a short run sees both kinds.
      const roll = context.callIndex === 1 ? 0 : context.callIndex === 2 ? 0.07 : faults();
      if (roll < 0.05) {
        served.errors++;
        return openAIError(500, 'The server had an error.', { type: 'server_error' });
      }
      served.rateLimited += roll < 0.1 ? 1 : 0;
      if (roll < 0.1)
        return openAIError(429, 'Rate limit reached.', {
          type: 'requests',
          headers: { 'retry-after-ms': '200' },
        });
      return embeddings(request, context);
    },
  });
}

/** `drift watch --follow` of a table's body column with the real model, metrics on a free port. */
export function followArgs(
  target: { table: string; sink: string; ledger: string },
  interval: string,
  ...flags: string[]
): string[] {
  return [
    'watch',
    '--table',
    target.table,
    '--text-col',
    'body',
    '--model',
    model,
    '--sink',
    target.sink,
    '--ledger',
    target.ledger,
    ...flags,
    '--follow',
    '--interval',
    interval,
    '--metrics-port',
    '0',
  ];
}

/** A running `drift watch --follow`: its child, its metrics port once printed, its end. */
export interface FollowProcess {
  exited: Promise<DriftRun>;
  child?: ChildProcess;
  port?: number;
  ended?: DriftRun;
}

export function startFollow(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): FollowProcess {
  const follow = {} as FollowProcess;
  follow.exited = runDrift(args, {
    ...options,
    onStart: (started) => {
      follow.child = started;
      started.stderr?.on('data', (chunk: Buffer) => {
        const match = /metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(chunk.toString());
        if (match) follow.port = Number(match[1]);
      });
    },
  });
  void follow.exited.then((run) => {
    follow.ended = run;
  });
  return follow;
}
