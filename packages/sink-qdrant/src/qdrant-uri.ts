import { InvalidInputError, type SinkV1 } from '@drift-spark/core';
import { createQdrantSink, type QdrantSinkOptions } from './qdrant-sink.js';

/**
 * Parses `qdrant://host[:6333]/collection` (http) and `qdrants://host[:6333]/collection` (https).
 * The API key is never in the URI: it comes from QDRANT_API_KEY, read at `open()`.
 */
export function parseQdrantUri(uri: string): { url: string; collection: string; id: string } {
  const match = /^(qdrants?):\/\/([^/?#]+)\/([^/?#]+)\/?$/i.exec(uri);
  if (!match)
    throw new InvalidInputError(
      'Not a Qdrant sink URI: expected qdrant://host:6333/collection (or qdrants:// for TLS).',
    );
  const [, scheme, authority, rawCollection] = match as unknown as [string, string, string, string];
  if (authority.includes('@'))
    throw new InvalidInputError('Put no credentials in a Qdrant URI: set QDRANT_API_KEY instead.');
  const tls = scheme.toLowerCase() === 'qdrants';
  const hostPort = /:\d+$/.test(authority) ? authority : `${authority}:6333`;
  const collection = decodeURIComponent(rawCollection);
  // The id names the storage: server (host name case-folded) and collection (one spelling).
  return {
    url: `${tls ? 'https' : 'http'}://${hostPort}`,
    collection,
    id: `${tls ? 'qdrants' : 'qdrant'}://${hostPort.toLowerCase()}/${encodeURIComponent(collection)}`,
  };
}

/** The Qdrant sink a URI names. Lazy: nothing connects before `open()`. */
export function createQdrantSinkFromUri(
  uri: string,
  options: Omit<QdrantSinkOptions, 'url' | 'collection' | 'id'> = {},
): SinkV1 {
  const parsed = parseQdrantUri(uri);
  return createQdrantSink({
    ...options,
    url: parsed.url,
    collection: parsed.collection,
    id: parsed.id,
  });
}
