import type { DriftError } from '@drift-spark/core';
import type { QdrantClientSubset } from './qdrant-client-subset.js';

/** What the read and write paths share with the sink that owns the collection. */
export interface QdrantContext {
  collection: string;
  /** The open client (or a PluginStateError / AbortedError). */
  ready(signal?: AbortSignal): QdrantClientSubset;
  /** A client error as a Drift error, saying what the sink was doing. */
  fail(error: unknown, what: string): DriftError;
  /** The vector size of the open collection. */
  dimensions(): number;
}
