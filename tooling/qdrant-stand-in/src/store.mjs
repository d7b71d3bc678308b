// The stand-in's state: collections, aliases, and writes applied in arrival order.
import { HttpError, notFound } from './qdrant-values.mjs';

/** A fresh, empty store. */
export function createStore() {
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

  return { collections, aliases, sortedPoints, getCollection, write };
}
