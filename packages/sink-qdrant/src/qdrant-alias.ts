import { InvalidInputError, type SinkAlias, type SinkCallOptions } from '@drift-spark/core';
import type { QdrantClientSubset } from './qdrant-client-subset.js';
import { toDriftError } from './qdrant-errors.js';

/**
 * The stable name of a Qdrant sink: a collection alias. Every collection route of Qdrant
 * accepts an alias where it takes a collection name, so an application that queries the
 * alias follows it. Moving it is one atomic request (delete + create).
 */
export function qdrantAlias(options: {
  sinkId: string;
  collection: string;
  client: (signal?: AbortSignal) => QdrantClientSubset;
}): SinkAlias {
  const { collection, sinkId } = options;
  const current = async (client: QdrantClientSubset, name: string) =>
    (await needs(client, 'getAliases').getAliases()).aliases.find(
      (alias) => alias.alias_name === name,
    )?.collection_name;
  return {
    target: collection,
    async point(name, call?: SinkCallOptions) {
      const client = options.client(call?.signal);
      if (name === collection)
        throw new InvalidInputError(
          `The alias "${name}" is the sink's own collection; choose another name for applications to query.`,
        );
      try {
        const now = await current(client, name);
        if (now === collection) return;
        if (now === undefined && (await client.collectionExists(name)).exists)
          throw new InvalidInputError(
            `"${name}" is a collection, not an alias: choose another name for applications to query.`,
          );
        await needs(client, 'updateCollectionAliases').updateCollectionAliases({
          actions: [
            ...(now === undefined ? [] : [{ delete_alias: { alias_name: name } }]),
            { create_alias: { collection_name: collection, alias_name: name } },
          ],
        });
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        throw toDriftError(error, `point the alias ${name} at ${collection}`, sinkId);
      }
    },
    async read(name, call?: SinkCallOptions) {
      const client = options.client(call?.signal);
      try {
        return await current(client, name);
      } catch (error) {
        throw toDriftError(error, `read the alias ${name}`, sinkId);
      }
    },
  };
}

/** A client the caller injected may lack the optional members aliases need. */
export function needs<Name extends 'getAliases' | 'updateCollectionAliases' | 'deleteCollection'>(
  client: QdrantClientSubset,
  name: Name,
): QdrantClientSubset & Required<Pick<QdrantClientSubset, Name>> {
  if (typeof client[name] !== 'function')
    throw new InvalidInputError(
      `The Qdrant client given to the sink has no ${name}(): pass a @qdrant/js-client-rest QdrantClient to use aliases or drop.`,
    );
  return client as QdrantClientSubset & Required<Pick<QdrantClientSubset, Name>>;
}
