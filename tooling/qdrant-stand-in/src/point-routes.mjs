// Point routes: upsert, delete, retrieve, scroll, count, search/query.
import { matchFilter, record } from './payload-filter.mjs';
import {
  checkVector,
  formatError,
  higherIsBetter,
  optionalBoolean,
  parseId,
  positiveInteger,
  score,
  wrongInput,
} from './qdrant-values.mjs';

/** pointRoutes: [method, path pattern, handler] triples over a store. */
export function pointRoutes(store) {
  const { sortedPoints, getCollection, write } = store;
  return [
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
}
