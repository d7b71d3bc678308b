// Service, collection, alias and payload-index routes.
import { payloadValue } from './payload-filter.mjs';
import { DISTANCES, formatError, HttpError, NAME, notFound, wrongInput } from './qdrant-values.mjs';

/** collectionRoutes: [method, path pattern, handler] triples over a store. */
export function collectionRoutes(store) {
  const { collections, aliases, getCollection, write } = store;
  return [
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
  ];
}
