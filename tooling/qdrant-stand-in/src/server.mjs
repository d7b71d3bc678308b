// A stand-in for a Qdrant server, for tests only: the subset of Qdrant's REST API that
// @drift-spark/sink-qdrant uses, written from Qdrant's API reference. It is NOT Qdrant:
// everything lives in memory, search is exact (no HNSW), there is one shard and no
// cluster. What it does keep from Qdrant: the routes, the request validation, the
// `{result, status, time}` envelope and `{status: {error}}` errors with their HTTP codes,
// `?wait=` (false: acknowledged now, applied just after), UUID and unsigned integer ids
// (UUIDs returned in canonical form), and Cosine collections normalising vectors on write.
import { createServer } from 'node:http';
import { collectionRoutes } from './collection-routes.mjs';
import { pointRoutes } from './point-routes.mjs';
import { formatError, HttpError } from './qdrant-values.mjs';
import { createStore } from './store.mjs';

/** Starts the stand-in on host:port (0 = a free port). Resolves to {url, port, close}. */
export async function startQdrantStandIn({ host = '127.0.0.1', port = 0, apiKey } = {}) {
  const store = createStore();
  const routes = [...collectionRoutes(store), ...pointRoutes(store)];

  const server = createServer(async (request, response) => {
    const started = process.hrtime.bigint();
    const send = (status, body) => {
      const time = Number(process.hrtime.bigint() - started) / 1e9;
      const text = JSON.stringify(body === null ? null : { ...body, time });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(text);
    };
    try {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      if (
        apiKey &&
        url.pathname !== '/healthz' &&
        request.headers['api-key'] !== apiKey &&
        request.headers.authorization !== `Bearer ${apiKey}`
      ) {
        response.writeHead(401, { 'content-type': 'text/plain' });
        response.end('Must provide an API key or an Authorization bearer token');
        return;
      }
      const chunks = [];
      for await (const chunk of request) chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      let body = {};
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch (error) {
          throw formatError(`${error.message}`);
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw formatError('expected a JSON object');
      }
      const path = url.pathname.replace(/\/+$/, '') || '/';
      const route = routes.find(
        ([method, pattern]) => method === request.method && pattern.test(path),
      );
      if (!route) {
        const known = routes.some(([, pattern]) => pattern.test(path));
        response.writeHead(known ? 405 : 404, { 'content-type': 'text/plain' });
        response.end(known ? 'Method Not Allowed' : '');
        return;
      }
      const match = route[1].exec(path);
      const name = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
      const output = await route[2]({ name, body, url, match });
      if (output.raw) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(output.raw));
      } else if (output.text) {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(output.text);
      } else {
        send(200, { result: output.result, status: 'ok' });
      }
    } catch (error) {
      if (error instanceof HttpError) send(error.status, { status: { error: error.message } });
      else send(500, { status: { error: `Service internal error: ${error?.message ?? error}` } });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
