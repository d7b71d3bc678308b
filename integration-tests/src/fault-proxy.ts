import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | 'slow-down' | 'server-error' | 'drop' | 'cut-body';

/** One request the proxy forwarded, as a test counting requests and bytes sees it. */
export interface ProxiedRequest {
  method: string;
  /** The path and query, as sent. */
  url: string;
  /** The Range header, when the request had one. */
  range?: string;
  /** Body bytes of the answer. */
  bytes: number;
}

export interface FaultProxy {
  url: string;
  /** Requests seen, and how many of them were answered with a fault. */
  counts: Record<Fault, number>;
  /** Every forwarded request, in the order they started. */
  requests: ProxiedRequest[];
  /** The most requests in flight at once. */
  peakInFlight: number;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Milliseconds every request is held before it is forwarded (a remote store's latency). */
  delayMs?: number;
  /**
   * Whether to keep the store's answer to this request from the client: the store did the
   * work, the client never hears of it (`onHeld` is told; the test then kills the client).
   */
  holdAnswer?: (method: string, url: string) => boolean;
  onHeld?: (method: string, url: string) => void;
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
  options: FaultProxyOptions = {},
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
  let inFlight = 0;
  const requests: ProxiedRequest[] = [];
  const server: Server = createServer((incoming, answer) => {
    inFlight++;
    proxy.peakInFlight = Math.max(proxy.peakInFlight, inFlight);
    let ended = false;
    const end = () => {
      if (!ended) inFlight--;
      ended = true;
    };
    answer.on('finish', end);
    answer.on('close', end);
    if (options.delayMs) setTimeout(() => handle(incoming, answer), options.delayMs);
    else handle(incoming, answer);
  });
  const handle = (incoming: IncomingMessage, answer: ServerResponse) => {
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
    const record: ProxiedRequest = {
      method: incoming.method ?? 'GET',
      url: incoming.url ?? '',
      bytes: 0,
      ...(incoming.headers.range ? { range: incoming.headers.range } : {}),
    };
    requests.push(record);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (response) => {
        const method = incoming.method ?? 'GET';
        if (options.holdAnswer?.(method, incoming.url ?? '')) {
          response.resume();
          response.once('end', () => options.onHeld?.(method, incoming.url ?? ''));
          return;
        }
        answer.writeHead(response.statusCode ?? 502, response.headers);
        if (fault !== 'cut-body') {
          response.on('data', (chunk: Buffer) => (record.bytes += chunk.length));
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
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    counts,
    requests,
    peakInFlight: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
