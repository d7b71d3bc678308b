import {
  type Change,
  type ChangeBatch,
  type ChangeType,
  PluginStateError,
  type Row,
  type RowBatch,
  type SourceChangesOptions,
  type SourceDescription,
  type SourceScanOptions,
  type SourceV1,
} from '@drift-spark/core';
import type { SparkConnectClient, SparkField } from '@drift-spark/spark-connect';
import { sparkDeltaError, toSourceError } from './spark-errors.js';
import {
  checkVersion,
  columnExpression,
  deltaTypeName,
  hashExpression,
  parseTableReference,
  quoteIdentifier,
  type SparkTableReference,
  tableChangesCall,
} from './spark-sql.js';
import { type SparkValueConverter, sparkConverter } from './spark-values.js';

/** The part of the Spark Connect client the Spark engine uses (tests pass fakes). */
export type SparkDeltaClient = Pick<SparkConnectClient, 'sql' | 'execute' | 'schema' | 'close'>;

export interface SparkDeltaSourceOptions {
  /** `catalog.schema.table` (parts may be backticked), or a table path read through Spark. */
  table: string;
  /** A Spark Connect client, or a lazy factory; the source does not close a client it was given. */
  client?: SparkDeltaClient | (() => SparkDeltaClient | Promise<SparkDeltaClient>);
  /** `sc://…` when no client is given; default `SPARK_REMOTE`, read at first use. */
  remote?: string;
  /** Rows per batch when a call does not say; default 1024. */
  batchSize?: number;
}

/** Spark-engine-only knobs, in their own bag (STYLE: plugin options stay out of the shared contract). */
export interface SparkPushdownOptions {
  /**
   * Columns Spark hashes instead of sending: each row gets `<column>:sha256` (hex SHA-256 of
   * the UTF-8 text, equal to core's `contentHash`; null for null) and not the text itself.
   * A no-change run then moves 64 hex characters per row, not the texts.
   */
  hashColumns?: string[];
}

export interface SparkDeltaSource extends SourceV1 {
  scan(options: SourceScanOptions & { spark?: SparkPushdownOptions }): AsyncIterable<RowBatch>;
  changes(
    options: SourceChangesOptions & { spark?: SparkPushdownOptions },
  ): AsyncIterable<ChangeBatch>;
  /** The table as given. */
  readonly table: string;
}

/** The suffix of a hashed column's field in a row. */
export const HASH_SUFFIX = ':sha256';

const defaultBatchSize = 1024;
const changeTypes = new Set<ChangeType>([
  'insert',
  'update_preimage',
  'update_postimage',
  'delete',
]);

interface Projection {
  sql: string;
  columns: Array<{ name: string; field: string; convert: SparkValueConverter }>;
}

function batchSizeOf(requested: number | undefined, fallback: number): number {
  return requested !== undefined && Number.isInteger(requested) && requested > 0
    ? requested
    : fallback;
}

/**
 * The Delta source through Spark Connect: Spark scans and filters, Drift streams the
 * projected columns as Arrow batches. `id` is the Delta table id (`DESCRIBE DETAIL`), the
 * same as the native reader's `metaData.id`, so both engines share checkpoints and points.
 * Lazy: nothing is parsed or connected until the first call.
 */
export function createSparkDeltaSource(options: SparkDeltaSourceOptions): SparkDeltaSource {
  const defaultSize = batchSizeOf(options.batchSize, defaultBatchSize);
  let reference: SparkTableReference | undefined;
  let clientPromise: Promise<SparkDeltaClient> | undefined;
  let ownsClient = false;
  let tableId: string | undefined;
  let closed = false;

  const table = () => (reference ??= parseTableReference(options.table));

  function client(): Promise<SparkDeltaClient> {
    if (closed)
      return Promise.reject(
        new PluginStateError(
          `The Spark Delta source for ${options.table} was closed; create a new one.`,
        ),
      );
    clientPromise ??= (async () => {
      if (typeof options.client === 'function') return options.client();
      if (options.client) return options.client;
      ownsClient = true;
      // Loaded on demand: users of the native reader never load gRPC.
      const { createSparkConnectClient } = await import('@drift-spark/spark-connect');
      return createSparkConnectClient(
        options.remote === undefined ? {} : { remote: options.remote },
      );
    })();
    return clientPromise;
  }

  async function run<T>(
    work: (spark: SparkDeltaClient, ref: SparkTableReference) => Promise<T>,
  ): Promise<T> {
    const ref = table();
    try {
      return await work(await client(), ref);
    } catch (error) {
      throw toSourceError(error, ref.display);
    }
  }

  async function latestVersion(
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

  async function fieldsOf(
    spark: SparkDeltaClient,
    relation: string,
    signal?: AbortSignal,
  ): Promise<Map<string, SparkField>> {
    const fields = await spark.schema(`SELECT * FROM ${relation}`, { signal });
    return new Map(fields.map((field) => [field.name, field]));
  }

  function project(
    fields: Map<string, SparkField>,
    columns: string[],
    hashColumns: string[],
    display: string,
  ): Projection {
    const expressions: string[] = [];
    const projected: Projection['columns'] = [];
    for (const name of new Set([...columns, ...hashColumns])) {
      const field = fields.get(name);
      if (!field) {
        throw sparkDeltaError(
          'column-not-found',
          `The table ${display} has no column "${name}". Its columns are: ${[...fields.keys()].join(', ')}. Check the column names you passed (names are case-sensitive).`,
        );
      }
    }
    for (const name of columns) {
      if (hashColumns.includes(name)) continue;
      const field = fields.get(name) as SparkField;
      expressions.push(columnExpression(name, field.type));
      projected.push({ name, field: name, convert: sparkConverter(field.type) });
    }
    for (const name of hashColumns) {
      const alias = `${name}${HASH_SUFFIX}`;
      expressions.push(hashExpression(name, alias));
      projected.push({ name: alias, field: alias, convert: sparkConverter('string') });
    }
    return { sql: expressions.length > 0 ? expressions.join(', ') : '', columns: projected };
  }

  function toRow(source: Record<string, unknown>, columns: Projection['columns']): Row {
    const row: Row = {};
    for (const column of columns) row[column.name] = column.convert(source[column.field]);
    return row;
  }

  return {
    specificationVersion: 'v1',
    table: options.table,
    get id(): string {
      if (tableId === undefined) {
        throw new PluginStateError(
          `The id of the Spark Delta source for ${options.table} is the Delta table id, read with DESCRIBE DETAIL: await source.describe() first, or create the source with openSparkDeltaSource().`,
        );
      }
      return tableId;
    },

    describe(callOptions = {}): Promise<SourceDescription> {
      return run(async (spark, ref) => {
        const { signal } = callOptions;
        const detail = (await spark.execute(`DESCRIBE DETAIL ${ref.sql}`, { signal }))[0];
        if (detail?.format !== 'delta' || typeof detail.id !== 'string') {
          throw sparkDeltaError(
            'not-a-delta-table',
            `${ref.display} is not a Delta table (DESCRIBE DETAIL says format ${String(detail?.format ?? 'unknown')}). The Spark engine reads Delta tables only.`,
          );
        }
        tableId = detail.id;
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
          changeFeed:
            String(properties['delta.enableChangeDataFeed'] ?? '').toLowerCase() === 'true',
        };
      });
    },

    async *scan(scanOptions): AsyncGenerator<RowBatch> {
      const { signal } = scanOptions;
      const size = batchSizeOf(scanOptions.batchSize, defaultSize);
      const prepared = await run(async (spark, ref) => {
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
          spark,
          ref,
          version,
          projection,
          query: `SELECT ${projection.sql || '1 AS `__drift_row`'} FROM ${relation}`,
        };
      });
      let pending: Row[] = [];
      try {
        for await (const rows of prepared.spark.sql(prepared.query, { signal }).rows()) {
          for (const source of rows) {
            pending.push(toRow(source, prepared.projection.columns));
            if (pending.length >= size) {
              yield { rows: pending, version: prepared.version };
              pending = [];
            }
          }
        }
      } catch (error) {
        throw toSourceError(error, prepared.ref.display);
      }
      if (pending.length > 0) yield { rows: pending, version: prepared.version };
    },

    async *changes(changeOptions): AsyncGenerator<ChangeBatch> {
      const { signal, fromVersion } = changeOptions;
      const size = batchSizeOf(changeOptions.batchSize, defaultSize);
      const prepared = await run(async (spark, ref) => {
        checkVersion(fromVersion, 'start version');
        if (changeOptions.toVersion !== undefined)
          checkVersion(changeOptions.toVersion, 'end version');
        const latest = await latestVersion(spark, ref, signal);
        const toVersion = changeOptions.toVersion ?? latest;
        if (fromVersion > latest) {
          throw sparkDeltaError(
            'version-out-of-range',
            `The change range starts at version ${fromVersion}, but the latest version of ${ref.display} is ${latest}: there are no changes to read yet. Start at version ${latest} or earlier.`,
          );
        }
        if (fromVersion > toVersion) {
          throw sparkDeltaError(
            'invalid-range',
            `The change range starts at version ${fromVersion}, after its end version ${toVersion}. Pass a start version that is not greater than the end version.`,
          );
        }
        if (toVersion > latest) {
          throw sparkDeltaError(
            'version-out-of-range',
            `The change range ends at version ${toVersion}, but the latest version of ${ref.display} is ${latest}. End at version ${latest} or earlier, or leave the end out.`,
          );
        }
        const relation = tableChangesCall(ref, fromVersion, toVersion);
        const projection = project(
          await fieldsOf(spark, relation, signal),
          changeOptions.columns,
          changeOptions.spark?.hashColumns ?? [],
          ref.display,
        );
        const select = [
          projection.sql,
          '_change_type AS `__drift_change_type`',
          '_commit_version AS `__drift_commit_version`',
          'unix_millis(_commit_timestamp) AS `__drift_commit_ms`',
        ]
          .filter((part) => part !== '')
          .join(', ');
        return {
          spark,
          ref,
          projection,
          query: `SELECT ${select} FROM ${relation} ORDER BY ${quoteIdentifier('_commit_version')}`,
        };
      });
      let pending: Change[] = [];
      try {
        for await (const rows of prepared.spark.sql(prepared.query, { signal }).rows()) {
          for (const source of rows) {
            const type = source.__drift_change_type as ChangeType;
            if (!changeTypes.has(type)) continue;
            pending.push({
              type,
              row: toRow(source, prepared.projection.columns),
              commitVersion: Number(source.__drift_commit_version),
              commitTimestamp: Number(source.__drift_commit_ms),
            });
            if (pending.length >= size) {
              yield { changes: pending };
              pending = [];
            }
          }
        }
      } catch (error) {
        throw toSourceError(error, prepared.ref.display);
      }
      if (pending.length > 0) yield { changes: pending };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (ownsClient && clientPromise) await (await clientPromise.catch(() => undefined))?.close();
    },
  };
}

/** Creates a Spark Delta source and reads its table id, so that `id` is ready. */
export async function openSparkDeltaSource(
  options: SparkDeltaSourceOptions & { signal?: AbortSignal },
): Promise<SparkDeltaSource> {
  const source = createSparkDeltaSource(options);
  await source.describe({ signal: options.signal });
  return source;
}
