import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';

/** One request as the server received it, kept so a test can assert what was sent. */
export interface RecordedRequest {
  method: string;
  /** The path, percent-decoded (`/model/amazon.titan-embed-text-v2:0/invoke`). */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
}

/** What to answer. A non-string `body` is sent as JSON. */
export interface TestResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (a slow provider). */
  delayMs?: number;
  /** Close the connection without answering (a connection reset). */
  destroy?: boolean;
}

export interface RouteContext {
  /** 0 for the first request to this route, 1 for the second, ... */
  callIndex: number;
}

export type RouteHandler = (
  request: RecordedRequest,
  context: RouteContext,
) => TestResponse | Promise<TestResponse>;

/**
 * A fixed answer, a list of answers given in turn (the last one repeats: `[rateLimited, ok]`
 * answers 429 then 200 for ever), or a function of the request.
 */
export type Route = RouteHandler | TestResponse | TestResponse[];

export interface TestServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests whose `METHOD path` matched `routeKey`. */
  requestsTo(routeKey: string): RecordedRequest[];
  /** Replace or add a route (its call count starts again at 0). */
  setRoute(routeKey: string, route: Route): void;
  close(): Promise<void>;
}

/**
 * Route keys are `METHOD /path`; a key ending in `*` matches every path with that prefix.
 * An unmatched request gets a 404 with a JSON body that names it.
 */
export interface TestServerOptions {
  /**
   * Speak HTTP/2 without TLS (h2c, prior knowledge) instead of HTTP/1.1: the AWS SDK's
   * Bedrock runtime client talks HTTP/2 by default.
   */
  http2?: boolean;
}

export async function startTestServer(
  routes: Record<string, Route> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const table = new Map<string, { route: Route; calls: number }>();
  for (const [key, route] of Object.entries(routes)) table.set(key, { route, calls: 0 });
  const requests: RecordedRequest[] = [];
  const matchedBy = new Map<RecordedRequest, string>();

  const find = (method: string, path: string): string | undefined => {
    const exact = `${method} ${path}`;
    if (table.has(exact)) return exact;
    let best: string | undefined;
    for (const key of table.keys()) {
      if (
        key.endsWith('*') &&
        exact.startsWith(key.slice(0, -1)) &&
        (best === undefined || key.length > best.length)
      )
        best = key;
    }
    return best;
  };

  const handle = (
    incoming: IncomingMessage | Http2ServerRequest,
    outgoing: ServerResponse | Http2ServerResponse,
  ): void => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const rawPath = (incoming.url ?? '/').split('?')[0] ?? '/';
        let path = rawPath;
        try {
          path = decodeURIComponent(rawPath);
        } catch {
          // keep the raw path
        }
        let json: unknown;
        try {
          json = body.length > 0 ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        const request: RecordedRequest = {
          method: incoming.method ?? 'GET',
          path,
          headers: incoming.headers,
          body,
          json,
        };
        requests.push(request);
        const key = find(request.method, path);
        let response: TestResponse;
        if (key === undefined) {
          response = {
            status: 404,
            body: { error: { message: `no test route for ${request.method} ${path}` } },
          };
        } else {
          matchedBy.set(request, key);
          const entry = table.get(key) as { route: Route; calls: number };
          const callIndex = entry.calls++;
          try {
            response = await answer(entry.route, request, callIndex);
          } catch (error) {
            response = {
              status: 500,
              body: { error: { message: `test route threw: ${String(error)}` } },
            };
          }
        }
        if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
        if (response.destroy) {
          if ('stream' in incoming) incoming.stream.session?.destroy();
          else incoming.socket.destroy();
          return;
        }
        if (outgoing.destroyed) return;
        const isText = typeof response.body === 'string';
        const payload =
          response.body === undefined
            ? ''
            : isText
              ? (response.body as string)
              : JSON.stringify(response.body);
        outgoing.writeHead(response.status ?? 200, {
          'content-type': isText ? 'text/plain' : 'application/json',
          ...response.headers,
        });
        outgoing.end(payload);
      })();
    });
  };

  const sessions = new Set<Http2Session>();
  const server = options.http2 ? createHttp2Server(handle) : createServer(handle);
  if (options.http2) {
    server.on('session', (session: Http2Session) => {
      sessions.add(session);
      session.on('close', () => sessions.delete(session));
    });
  } else {
    (server as ReturnType<typeof createServer>).keepAliveTimeout = 5_000;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (routeKey) => requests.filter((request) => matchedBy.get(request) === routeKey),
    setRoute: (routeKey, route) => {
      table.set(routeKey, { route, calls: 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

async function answer(
  route: Route,
  request: RecordedRequest,
  callIndex: number,
): Promise<TestResponse> {
  if (typeof route === 'function') return route(request, { callIndex });
  if (Array.isArray(route)) {
    const reply = route[Math.min(callIndex, route.length - 1)];
    return reply ?? { status: 500, body: { error: { message: 'empty test route list' } } };
  }
  return route;
}
