import { UnsupportedSpecificationError } from '../errors/errors.js';

const known = new Set(['v1']);

/** Refuses a plugin whose `specificationVersion` this engine does not know, by name. */
export function assertSpecificationVersion(
  plugin: { specificationVersion?: unknown; id?: unknown },
  kind: 'source' | 'sink' | 'embedder' | 'ledger',
): void {
  const version = plugin.specificationVersion;
  if (typeof version !== 'string' || !known.has(version)) {
    const id = typeof plugin.id === 'string' ? ` "${plugin.id}"` : '';
    throw new UnsupportedSpecificationError(
      `The ${kind}${id} implements specification ${JSON.stringify(version)}, which this version of @drift-spark/core does not know (it knows ${[...known].join(', ')}). Upgrade @drift-spark/core or use a matching plugin version.`,
    );
  }
}
