import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | 'slow-down' | 'server-error' | 'drop' | 'cut-body';

export interface FaultProxy {
  url: string;
  /** Requests seen, and how many of them were answered with a fault. */
  counts: Record<Fault, number>;
  close(): Promise<void>;
}

const slowDown =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

/**
 * An HTTP proxy in front of a store that fails a share of requests: a 503 SlowDown, a 500,
 * a connection closed before any answer, or a response cut in the middle of its body.
 * `plan(n)` picks the fault of the n-th request (deterministic, so a failure replays).
 */
export async function startFaultProxy(
  target: string,
  plan: (n: number) => Fault,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const counts: Record<Fault, number> = {
    pass: 0,
    'slow-down': 0,
    'server-error': 0,
    drop: 0,
    'cut-body': 0,
  };
  let seen = 0;
  const server: Server = createServer((incoming, answer) => {
    const fault = plan(seen++);
    counts[fault]++;
    if (fault === 'drop') {
      incoming.socket.destroy();
      return;
    }
    if (fault === 'slow-down' || fault === 'server-error') {
      incoming.resume();
      answer.writeHead(fault === 'slow-down' ? 503 : 500, { 'content-type': 'application/xml' });
      answer.end(fault === 'slow-down' ? slowDown : '<Error><Code>InternalError</Code></Error>');
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (response) => {
        answer.writeHead(response.statusCode ?? 502, response.headers);
        if (fault !== 'cut-body') {
          response.pipe(answer);
          return;
        }
        // Send the first bytes, then drop the connection, as a reset in mid-transfer does.
        response.once('data', (chunk: Buffer) => {
          answer.write(chunk.subarray(0, Math.ceil(chunk.length / 2)));
          answer.socket?.destroy();
          response.destroy();
        });
        response.once('end', () => answer.end());
      },
    );
    forward.on('error', () => answer.socket?.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
