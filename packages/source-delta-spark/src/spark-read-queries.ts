import type { SourceChangesOptions, SourceScanOptions } from '@drift-spark/core';
import { checkChangeRange } from '@drift-spark/core/internal';
import type { SparkDeltaClient, SparkPushdownOptions } from './spark-delta-source.js';
import { sparkDeltaError } from './spark-errors.js';
import { fieldsOf, type Projection, project } from './spark-projection.js';
import {
  checkVersion,
  quoteIdentifier,
  type SparkTableReference,
  tableChangesCall,
} from './spark-sql.js';
import { latestVersion } from './spark-table-metadata.js';

/** A checked read: the query to stream and how its rows become Drift rows. */
export interface ReadQuery {
  query: string;
  projection: Projection;
}

/** The query of a snapshot read at a version (default the latest), checked against the log. */
export async function scanQuery(
  spark: SparkDeltaClient,
  ref: SparkTableReference,
  scanOptions: SourceScanOptions & { spark?: SparkPushdownOptions },
): Promise<ReadQuery & { version: number }> {
  const { signal } = scanOptions;
  const latest = await latestVersion(spark, ref, signal);
  const version = scanOptions.version ?? latest;
  checkVersion(version, 'scan version');
  if (version > latest) {
    throw sparkDeltaError(
      'version-out-of-range',
      `Cannot read version ${version} of ${ref.display}: its latest version is ${latest}. Read version ${latest} or earlier, or leave the version out.`,
    );
  }
  const relation = `${ref.sql} VERSION AS OF ${version}`;
  const projection = project(
    await fieldsOf(spark, relation, signal),
    scanOptions.columns,
    scanOptions.spark?.hashColumns ?? [],
    ref.display,
  );
  return {
    version,
    projection,
    query: `SELECT ${projection.sql || '1 AS `__drift_row`'} FROM ${relation}`,
  };
}

/** The query of a change-feed read (`table_changes`), the range checked against the log. */
export async function changesQuery(
  spark: SparkDeltaClient,
  ref: SparkTableReference,
  changeOptions: SourceChangesOptions & { spark?: SparkPushdownOptions },
): Promise<ReadQuery> {
  const { signal, fromVersion } = changeOptions;
  checkVersion(fromVersion, 'start version');
  if (changeOptions.toVersion !== undefined) checkVersion(changeOptions.toVersion, 'end version');
  const latest = await latestVersion(spark, ref, signal);
  const toVersion = changeOptions.toVersion ?? latest;
  checkChangeRange({ fromVersion, toVersion, latest, table: ref.display });
  const relation = tableChangesCall(ref, fromVersion, toVersion);
  // Update pre-images: left out, or only the columns the reader reads of them sent.
  const { preimages = true, preimageColumns } = changeOptions;
  const preimage = `_change_type = 'update_preimage'`;
  const projection = project(
    await fieldsOf(spark, relation, signal),
    changeOptions.columns,
    changeOptions.spark?.hashColumns ?? [],
    ref.display,
    preimages && preimageColumns
      ? { condition: preimage, keep: new Set(preimageColumns) }
      : undefined,
  );
  const where = preimages ? '' : ` WHERE NOT (${preimage})`;
  const select = [
    projection.sql,
    '_change_type AS `__drift_change_type`',
    '_commit_version AS `__drift_commit_version`',
    'unix_millis(_commit_timestamp) AS `__drift_commit_ms`',
  ]
    .filter((part) => part !== '')
    .join(', ');
  return {
    projection,
    query: `SELECT ${select} FROM ${relation}${where} ORDER BY ${quoteIdentifier('_commit_version')}`,
  };
}
