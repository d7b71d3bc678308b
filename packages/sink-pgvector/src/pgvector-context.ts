import type { DriftError } from '@drift-spark/core';
import type { SqlDriver } from './pgvector-driver.js';

/** What the read and write paths share with the sink that owns the table. */
export interface PgvectorContext {
  sinkId: string;
  /** The table, quoted and schema-qualified as the SQL uses it. */
  table: string;
  /** The open driver (or a PluginStateError / AbortedError). */
  ready(signal?: AbortSignal): SqlDriver;
  /** A driver error as a Drift error, saying what the sink was doing. */
  fail(error: unknown, what: string): DriftError;
  /** The vector size of the open table. */
  dimensions(): number;
}
