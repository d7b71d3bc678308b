import type { DriftError } from '@drift-spark/core';
import type { Table } from '@lancedb/lancedb';

/** What the read and write paths share with the sink that owns the table. */
export interface LancedbContext {
  /** The table's name, for messages. */
  tableName: string;
  /** The open table (or a PluginStateError / AbortedError). */
  ready(signal?: AbortSignal): Table;
  /** A LanceDB error as a Drift error, saying what the sink was doing. */
  fail(error: unknown, what: string): DriftError;
}

/** Ids per `id IN (…)` predicate. */
export const ID_CHUNK = 1000;

/** `id IN ('…', …)`: ids are checked UUIDs, so nothing in them needs quoting. */
export function idPredicate(ids: readonly string[]): string {
  return `id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
}
