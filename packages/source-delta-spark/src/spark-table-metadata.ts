import type { SourceDescription } from '@drift-spark/core';
import type { SparkDeltaClient } from './spark-delta-source.js';
import { sparkDeltaError } from './spark-errors.js';
import { fieldsOf } from './spark-projection.js';
import { deltaTypeName, type SparkTableReference } from './spark-sql.js';

/** The latest version of the table (`DESCRIBE HISTORY … LIMIT 1`). */
export async function latestVersion(
  spark: SparkDeltaClient,
  ref: SparkTableReference,
  signal?: AbortSignal,
): Promise<number> {
  const rows = await spark.execute(`DESCRIBE HISTORY ${ref.sql} LIMIT 1`, { signal });
  const version = rows[0]?.version;
  if (version === undefined || version === null)
    throw sparkDeltaError(
      'not-a-delta-table',
      `DESCRIBE HISTORY returned no version for ${ref.display}: is it a Delta table?`,
    );
  return Number(version);
}

/**
 * The table's Delta id, columns, latest version and change-feed flag (`DESCRIBE DETAIL`).
 * `onId` gets the id as soon as it is known, before the other reads.
 */
export async function describeDeltaTable(
  spark: SparkDeltaClient,
  ref: SparkTableReference,
  onId: (id: string) => void,
  signal?: AbortSignal,
): Promise<SourceDescription> {
  const detail = (await spark.execute(`DESCRIBE DETAIL ${ref.sql}`, { signal }))[0];
  if (detail?.format !== 'delta' || typeof detail.id !== 'string') {
    throw sparkDeltaError(
      'not-a-delta-table',
      `${ref.display} is not a Delta table (DESCRIBE DETAIL says format ${String(detail?.format ?? 'unknown')}). The Spark engine reads Delta tables only.`,
    );
  }
  onId(detail.id);
  const properties = (detail.properties ?? {}) as Record<string, unknown>;
  const fields = await fieldsOf(spark, ref.sql, signal);
  return {
    id: detail.id,
    columns: [...fields.values()].map((field) => ({
      name: field.name,
      type: deltaTypeName(field.type),
      nullable: field.nullable,
    })),
    latestVersion: await latestVersion(spark, ref, signal),
    changeFeed: String(properties['delta.enableChangeDataFeed'] ?? '').toLowerCase() === 'true',
  };
}
