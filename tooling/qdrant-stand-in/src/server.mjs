// A stand-in for a Qdrant server, for tests only: the subset of Qdrant's REST API that
// @drift-spark/sink-qdrant uses, written from Qdrant's API reference. It is NOT Qdrant:
// everything lives in memory, search is exact (no HNSW), there is one shard and no
// cluster. What it does keep from Qdrant: the routes, the request validation, the
// `{result, status, time}` envelope and `{status: {error}}` errors with their HTTP codes,
// `?wait=` (false: acknowledged now, applied just after), UUID and unsigned integer ids
// (UUIDs returned in canonical form), and Cosine collections normalising vectors on write.
import { createServer } from 'node:http';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DISTANCES = new Set(['Cosine', 'Euclid', 'Dot', 'Manhattan']);
const NAME = /^[^/\\\0]{1,255}$/;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}
const wrongInput = (message) => new HttpError(400, `Wrong input: ${message}`);
const formatError = (message) => new HttpError(400, `Format error in JSON body: ${message}`);
const notFound = (name) => new HttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);

/** Parses a point id as Qdrant does: an unsigned integer, or a UUID in any of its spellings. */
function parseId(value) {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    return { key: `n:${String(value).padStart(20, '0')}`, id: value };
  if (typeof value === 'string' && UUID.test(value)) {
    const hex = value.replace(/-/g, '').toLowerCase();
    const canonical = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { key: `u:${hex}`, id: canonical };
  }
  throw formatError(
    `value ${JSON.stringify(value)} is not a valid point ID, valid values are either an unsigned integer or a UUID`,
  );
}

function checkVector(collection, vector) {
  if (
    !Array.isArray(vector) ||
    vector.some((value) => typeof value !== 'number' || !Number.isFinite(value))
  ) {
    throw formatError('vector must be an array of finite numbers');
  }
  const size = collection.config.params.vectors.size;
  if (vector.length !== size)
    throw wrongInput(`Vector dimension error: expected dim: ${size}, got ${vector.length}`);
  if (collection.config.params.vectors.distance !== 'Cosine') return vector.slice();
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return norm === 0 ? vector.slice() : vector.map((value) => value / norm);
}

function score(distance, a, b) {
  let sum = 0;
  if (distance === 'Cosine' || distance === 'Dot') {
    for (let index = 0; index < a.length; index++) sum += a[index] * b[index];
    return sum;
  }
  if (distance === 'Euclid') {
    for (let index = 0; index < a.length; index++) sum += (a[index] - b[index]) ** 2;
    return Math.sqrt(sum);
  }
  for (let index = 0; index < a.length; index++) sum += Math.abs(a[index] - b[index]);
  return sum;
}
/** Cosine and Dot: higher is nearer; Euclid and Manhattan: lower is nearer. */
const higherIsBetter = (distance) => distance === 'Cosine' || distance === 'Dot';

function payloadValue(payload, path) {
  let value = payload;
  for (const part of path.split('.')) value = value == null ? undefined : value[part];
  return value;
}

function matchCondition(point, condition) {
  if (condition.has_id) return condition.has_id.some((id) => parseId(id).key === point.sortKey);
  if (condition.must || condition.should || condition.must_not)
    return matchFilter(point, condition);
  if (typeof condition.key !== 'string')
    throw formatError('a condition needs `key`, `has_id` or a nested filter');
  const value = payloadValue(point.payload, condition.key);
  const values = Array.isArray(value) ? value : [value];
  if (condition.match) {
    if ('value' in condition.match)
      return values.some((candidate) => candidate === condition.match.value);
    if (Array.isArray(condition.match.any))
      return values.some((candidate) => condition.match.any.includes(candidate));
    if (Array.isArray(condition.match.except))
      return values.every((candidate) => !condition.match.except.includes(candidate));
    throw formatError('unsupported match: use value, any or except');
  }
  if (condition.is_null) return value === null;
  if (condition.is_empty)
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  throw formatError(
    'unsupported condition in the stand-in: use match, has_id, is_null or is_empty',
  );
}

function matchFilter(point, filter) {
  if (filter == null) return true;
  if (typeof filter !== 'object') throw formatError('filter must be an object');
  const list = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);
  const must = list(filter.must);
  const should = list(filter.should);
  const mustNot = list(filter.must_not);
  if (!must.every((condition) => matchCondition(point, condition))) return false;
  if (should.length > 0 && !should.some((condition) => matchCondition(point, condition)))
    return false;
  return !mustNot.some((condition) => matchCondition(point, condition));
}

function selectPayload(payload, withPayload) {
  if (withPayload === true) return { ...payload };
  if (withPayload === false || withPayload == null) return undefined;
  const include = Array.isArray(withPayload) ? withPayload : withPayload.include;
  if (Array.isArray(include))
    return Object.fromEntries(Object.entries(payload).filter(([key]) => include.includes(key)));
  if (Array.isArray(withPayload.exclude))
    return Object.fromEntries(
      Object.entries(payload).filter(([key]) => !withPayload.exclude.includes(key)),
    );
  throw formatError('with_payload must be a boolean, a list of keys, or {include|exclude}');
}

function record(point, withPayload, withVector) {
  const out = { id: point.id };
  const payload = selectPayload(point.payload, withPayload);
  if (payload !== undefined) out.payload = payload;
  if (withVector) out.vector = point.vector.slice();
  return out;
}

function optionalBoolean(body, name, fallback) {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (name === 'with_payload' && typeof value !== 'boolean') return value;
  if (typeof value !== 'boolean')
    throw formatError(`invalid type: expected a boolean for \`${name}\``);
  return value;
}

function positiveInteger(body, name, fallback) {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw formatError(`invalid value: expected an unsigned integer for \`${name}\``);
  if (name === 'limit' && value < 1)
    throw new HttpError(
      422,
      `Validation error in JSON body: [${name}: value 0 invalid, must be 1 or larger]`,
    );
  return value;
}

/** Starts the stand-in on host:port (0 = a free port). Resolves to {url, port, close}. */
export async function startQdrantStandIn({ host = '127.0.0.1', port = 0, apiKey } = {}) {
  const collections = new Map();
  // Collection aliases (alias name -> collection name): every collection route resolves them.
  const aliases = new Map();
  let operationId = 0;

  const sortedPoints = (collection) =>
    [...collection.points.values()].sort((a, b) =>
      a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0,
    );
  const getCollection = (name) => {
    const collection = collections.get(name) ?? collections.get(aliases.get(name));
    if (!collection) throw notFound(name);
    return collection;
  };
  // Writes run in arrival order; with wait=false they are acknowledged first and applied next.
  let writes = Promise.resolve();
  const write = async (url, apply) => {
    const wait = url.searchParams.get('wait');
    if (wait !== null && wait !== 'true' && wait !== 'false')
      throw new HttpError(400, `Query deserialize error: invalid value for \`wait\`: ${wait}`);
    const id = ++operationId;
    const done = writes.then(apply);
    writes = done.catch(() => {});
    if (wait === 'true') {
      await done;
      return { operation_id: id, status: 'completed' };
    }
    return { operation_id: id, status: 'acknowledged' };
  };

  const routes = [
    [
      'GET',
      /^\/$/,
      () => ({
        raw: {
          title: 'qdrant - vector search engine (Drift test stand-in)',
          version: '1.16.0',
          commit: 'stand-in',
        },
      }),
    ],
    ['GET', /^\/(healthz|readyz|livez)$/, () => ({ text: 'healthz check passed' })],
    [
      'GET',
      /^\/collections$/,
      () => ({ result: { collections: [...collections.keys()].map((name) => ({ name })) } }),
    ],
    [
      'GET',
      /^\/collections\/([^/]+)\/exists$/,
      ({ name }) => ({ result: { exists: collections.has(name) } }),
    ],
    [
      'GET',
      /^\/collections\/([^/]+)$/,
      ({ name }) => {
        const collection = getCollection(name);
        const count = collection.points.size;
        const payloadSchema = {};
        for (const [field, schema] of collection.payloadSchema) {
          payloadSchema[field] = {
            data_type: schema,
            params: { type: schema },
            points: [...collection.points.values()].filter(
              (point) => payloadValue(point.payload, field) !== undefined,
            ).length,
          };
        }
        return {
          result: {
            status: 'green',
            optimizer_status: 'ok',
            indexed_vectors_count: 0,
            points_count: count,
            segments_count: 1,
            config: collection.config,
            payload_schema: payloadSchema,
          },
        };
      },
    ],
    [
      'PUT',
      /^\/collections\/([^/]+)$/,
      ({ name, body }) => {
        if (!NAME.test(name)) throw wrongInput(`Collection name "${name}" is not valid`);
        if (collections.has(name))
          throw new HttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body.vectors;
        if (vectors === undefined) throw formatError('missing field `vectors`');
        if (typeof vectors !== 'object' || vectors === null || !('size' in vectors)) {
          throw wrongInput(
            'the stand-in supports one unnamed vector: {"vectors": {"size": N, "distance": "Cosine"}}',
          );
        }
        if (!Number.isInteger(vectors.size) || vectors.size < 1 || vectors.size > 65536) {
          throw new HttpError(
            422,
            'Validation error in JSON body: [vectors.size: value must be between 1 and 65536]',
          );
        }
        if (!DISTANCES.has(vectors.distance)) {
          throw formatError(
            `unknown variant \`${vectors.distance}\`, expected one of \`Cosine\`, \`Euclid\`, \`Dot\`, \`Manhattan\``,
          );
        }
        collections.set(name, {
          config: {
            params: {
              vectors: { size: vectors.size, distance: vectors.distance },
              shard_number: 1,
              replication_factor: 1,
              write_consistency_factor: 1,
              on_disk_payload: true,
            },
            hnsw_config: {
              m: 16,
              ef_construct: 100,
              full_scan_threshold: 10000,
              max_indexing_threads: 0,
              on_disk: false,
            },
            optimizer_config: {
              deleted_threshold: 0.2,
              vacuum_min_vector_number: 1000,
              default_segment_number: 0,
              max_segment_size: null,
              memmap_threshold: null,
              indexing_threshold: 20000,
              flush_interval_sec: 5,
              max_optimization_threads: null,
            },
            wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
            quantization_config: null,
            ...(body.metadata && typeof body.metadata === 'object'
              ? { metadata: { ...body.metadata } }
              : {}),
          },
          points: new Map(),
          payloadSchema: new Map(),
          version: 0,
        });
        return { result: true };
      },
    ],
    [
      'PATCH',
      /^\/collections\/([^/]+)$/,
      ({ name, body }) => {
        const collection = getCollection(name);
        if (body.metadata !== undefined && body.metadata !== null) {
          if (typeof body.metadata !== 'object' || Array.isArray(body.metadata))
            throw formatError('metadata must be an object');
          collection.config.metadata =
            Object.keys(body.metadata).length === 0
              ? {}
              : { ...(collection.config.metadata ?? {}), ...body.metadata };
        }
        return { result: true };
      },
    ],
    [
      'POST',
      /^\/collections\/aliases$/,
      ({ body }) => {
        if (!Array.isArray(body.actions)) throw formatError('missing field `actions`');
        // All or nothing, as Qdrant applies a list of alias actions atomically.
        const next = new Map(aliases);
        for (const action of body.actions) {
          if (action.create_alias) {
            const { collection_name: target, alias_name: alias } = action.create_alias;
            if (!collections.has(target)) throw notFound(target);
            if (next.has(alias) || collections.has(alias))
              throw wrongInput(`Alias ${alias} already exists!`);
            next.set(alias, target);
          } else if (action.delete_alias) {
            const alias = action.delete_alias.alias_name;
            if (!next.delete(alias))
              throw new HttpError(404, `Not found: Alias ${alias} does not exist!`);
          } else if (action.rename_alias) {
            const { old_alias_name: from, new_alias_name: to } = action.rename_alias;
            if (!next.has(from))
              throw new HttpError(404, `Not found: Alias ${from} does not exist!`);
            next.set(to, next.get(from));
            next.delete(from);
          } else throw formatError('unknown alias action');
        }
        aliases.clear();
        for (const [alias, target] of next) aliases.set(alias, target);
        return { result: true };
      },
    ],
    [
      'GET',
      /^\/aliases$/,
      () => ({
        result: {
          aliases: [...aliases].map(([alias, target]) => ({
            alias_name: alias,
            collection_name: target,
          })),
        },
      }),
    ],
    [
      'GET',
      /^\/collections\/([^/]+)\/aliases$/,
      ({ name }) => {
        getCollection(name);
        return {
          result: {
            aliases: [...aliases]
              .filter(([, target]) => target === name)
              .map(([alias, target]) => ({ alias_name: alias, collection_name: target })),
          },
        };
      },
    ],
    [
      'DELETE',
      /^\/collections\/([^/]+)$/,
      ({ name }) => {
        // Qdrant drops a collection's aliases with it.
        for (const [alias, target] of aliases) if (target === name) aliases.delete(alias);
        return { result: collections.delete(name) };
      },
    ],
    [
      'PUT',
      /^\/collections\/([^/]+)\/index$/,
      async ({ name, body, url }) => {
        const collection = getCollection(name);
        if (typeof body.field_name !== 'string') throw formatError('missing field `field_name`');
        const schema =
          typeof body.field_schema === 'string' ? body.field_schema : body.field_schema?.type;
        if (
          !['keyword', 'integer', 'float', 'bool', 'geo', 'text', 'datetime', 'uuid'].includes(
            schema,
          )
        ) {
          throw formatError(`unknown field_schema ${JSON.stringify(body.field_schema)}`);
        }
        return {
          result: await write(url, () => collection.payloadSchema.set(body.field_name, schema)),
        };
      },
    ],
    [
      'PUT',
      /^\/collections\/([^/]+)\/points$/,
      async ({ name, body, url }) => {
        const collection = getCollection(name);
        let incoming;
        if (Array.isArray(body.points)) {
          incoming = body.points.map((point) => {
            if (typeof point !== 'object' || point === null)
              throw formatError('each point must be an object');
            if (point.id === undefined) throw formatError('missing field `id`');
            if (point.vector === undefined) throw formatError('missing field `vector`');
            return { id: point.id, vector: point.vector, payload: point.payload };
          });
        } else if (body.batch && typeof body.batch === 'object') {
          const { ids, vectors, payloads } = body.batch;
          if (!Array.isArray(ids) || !Array.isArray(vectors))
            throw formatError('batch needs `ids` and `vectors` arrays');
          if (ids.length !== vectors.length || (payloads && payloads.length !== ids.length))
            throw wrongInput('number of ids and vectors must be equal');
          incoming = ids.map((id, index) => ({
            id,
            vector: vectors[index],
            payload: payloads?.[index],
          }));
        } else {
          throw formatError(
            'data did not match any variant of untagged enum PointInsertOperations',
          );
        }
        // Validate the whole request before applying any of it, as Qdrant does.
        const prepared = incoming.map((point) => {
          const { key, id } = parseId(point.id);
          if (
            point.payload !== undefined &&
            point.payload !== null &&
            (typeof point.payload !== 'object' || Array.isArray(point.payload))
          ) {
            throw formatError('payload must be a JSON object');
          }
          return {
            sortKey: key,
            id,
            vector: checkVector(collection, point.vector),
            payload: point.payload ? structuredClone(point.payload) : {},
          };
        });
        return {
          result: await write(url, () => {
            collection.version += 1;
            for (const point of prepared)
              collection.points.set(point.sortKey, { ...point, version: collection.version });
          }),
        };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/delete$/,
      async ({ name, body, url }) => {
        const collection = getCollection(name);
        let select;
        if (Array.isArray(body.points)) {
          const keys = new Set(body.points.map((id) => parseId(id).key));
          select = (point) => keys.has(point.sortKey);
        } else if (body.filter && typeof body.filter === 'object') {
          select = (point) => matchFilter(point, body.filter);
        } else {
          throw formatError('data did not match any variant of untagged enum PointsSelector');
        }
        return {
          result: await write(url, () => {
            collection.version += 1;
            for (const point of [...collection.points.values()])
              if (select(point)) collection.points.delete(point.sortKey);
          }),
        };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points$/,
      ({ name, body }) => {
        const collection = getCollection(name);
        if (!Array.isArray(body.ids)) throw formatError('missing field `ids`');
        const withPayload = optionalBoolean(body, 'with_payload', true);
        const withVector = optionalBoolean(body, 'with_vector', false);
        const seen = new Set();
        const result = [];
        for (const raw of body.ids) {
          const { key } = parseId(raw);
          const point = collection.points.get(key);
          if (point && !seen.has(key)) {
            seen.add(key);
            result.push(record(point, withPayload, withVector));
          }
        }
        return { result };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/scroll$/,
      ({ name, body }) => {
        const collection = getCollection(name);
        const limit = positiveInteger(body, 'limit', 10);
        const withPayload = optionalBoolean(body, 'with_payload', true);
        const withVector = optionalBoolean(body, 'with_vector', false);
        const start =
          body.offset === undefined || body.offset === null ? undefined : parseId(body.offset).key;
        const points = sortedPoints(collection).filter(
          (point) =>
            (start === undefined || point.sortKey >= start) && matchFilter(point, body.filter),
        );
        const page = points.slice(0, limit);
        return {
          result: {
            points: page.map((point) => record(point, withPayload, withVector)),
            next_page_offset: points[limit]?.id ?? null,
          },
        };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/count$/,
      ({ name, body }) => {
        const collection = getCollection(name);
        optionalBoolean(body, 'exact', true);
        return {
          result: {
            count: [...collection.points.values()].filter((point) =>
              matchFilter(point, body.filter),
            ).length,
          },
        };
      },
    ],
    [
      'POST',
      /^\/collections\/([^/]+)\/points\/(query|search)$/,
      ({ name, body, match }) => {
        const collection = getCollection(name);
        const legacy = match[2] === 'search';
        let query = legacy ? body.vector : body.query;
        if (
          !legacy &&
          query &&
          typeof query === 'object' &&
          !Array.isArray(query) &&
          'nearest' in query
        )
          query = query.nearest;
        if (query === undefined || query === null) {
          if (legacy) throw formatError('missing field `vector`');
          // No query: Qdrant returns points by id order.
          const limit = positiveInteger(body, 'limit', 10);
          const points = sortedPoints(collection)
            .filter((point) => matchFilter(point, body.filter))
            .slice(positiveInteger(body, 'offset', 0), positiveInteger(body, 'offset', 0) + limit);
          return {
            result: {
              points: points.map((point) => ({
                ...record(
                  point,
                  optionalBoolean(body, 'with_payload', false),
                  optionalBoolean(body, 'with_vector', false),
                ),
                version: point.version,
                score: 1,
              })),
            },
          };
        }
        if (!Array.isArray(query))
          throw wrongInput(
            'the stand-in supports a dense vector query only (a list of numbers, or {"nearest": [...]})',
          );
        const vector = checkVector(collection, query);
        const limit = positiveInteger(body, 'limit', 10);
        const offset = positiveInteger(body, 'offset', 0);
        const withPayload = optionalBoolean(body, 'with_payload', false);
        const withVector = optionalBoolean(body, 'with_vector', false);
        const distance = collection.config.params.vectors.distance;
        const better = higherIsBetter(distance);
        const threshold = body.score_threshold;
        const scored = [];
        for (const point of collection.points.values()) {
          if (!matchFilter(point, body.filter)) continue;
          const value = score(distance, vector, point.vector);
          if (typeof threshold === 'number' && (better ? value < threshold : value > threshold))
            continue;
          scored.push({ point, score: value });
        }
        scored.sort(
          (a, b) =>
            (better ? b.score - a.score : a.score - b.score) ||
            (a.point.sortKey < b.point.sortKey ? -1 : 1),
        );
        const hits = scored.slice(offset, offset + limit).map(({ point, score: value }) => ({
          ...record(point, withPayload, withVector),
          version: point.version,
          score: value,
        }));
        return { result: legacy ? hits : { points: hits } };
      },
    ],
  ];

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
