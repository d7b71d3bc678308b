import {
  type ChangeBatch,
  PluginStateError,
  type RowBatch,
  type SourceChangesOptions,
  type SourceDescription,
  type SourceScanOptions,
  type SourceV1,
} from '@drift-spark/core';
import { defaultSourceBatchSize, sourceBatchSize } from '@drift-spark/core/internal';
import type { SparkConnectClient } from '@drift-spark/spark-connect';
import { toSourceError } from './spark-errors.js';
import { toRow } from './spark-projection.js';
import { changesQuery, scanQuery } from './spark-read-queries.js';
import { streamPages, toChange } from './spark-row-stream.js';
import { parseTableReference, type SparkTableReference } from './spark-sql.js';
import { describeDeltaTable } from './spark-table-metadata.js';

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

/**
 * The Delta source through Spark Connect: Spark scans and filters, Drift streams the
 * projected columns as Arrow batches. `id` is the Delta table id (`DESCRIBE DETAIL`), the
 * same as the native reader's `metaData.id`, so both engines share checkpoints and points.
 * Lazy: nothing is parsed or connected until the first call.
 */
export function createSparkDeltaSource(options: SparkDeltaSourceOptions): SparkDeltaSource {
  const defaultSize = sourceBatchSize(options.batchSize, defaultSourceBatchSize);
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
      return run((spark, ref) =>
        describeDeltaTable(
          spark,
          ref,
          (id) => {
            tableId = id;
          },
          callOptions.signal,
        ),
      );
    },

    async *scan(scanOptions): AsyncGenerator<RowBatch> {
      const size = sourceBatchSize(scanOptions.batchSize, defaultSize);
      const prepared = await run(async (spark, ref) => ({
        spark,
        ref,
        ...(await scanQuery(spark, ref, scanOptions)),
      }));
      const { columns } = prepared.projection;
      for await (const rows of streamPages(
        prepared.spark,
        prepared.query,
        size,
        prepared.ref.display,
        (source) => toRow(source, columns),
        scanOptions.signal,
      ))
        yield { rows, version: prepared.version };
    },

    async *changes(changeOptions): AsyncGenerator<ChangeBatch> {
      const size = sourceBatchSize(changeOptions.batchSize, defaultSize);
      const prepared = await run(async (spark, ref) => ({
        spark,
        ref,
        ...(await changesQuery(spark, ref, changeOptions)),
      }));
      const { columns } = prepared.projection;
      for await (const changes of streamPages(
        prepared.spark,
        prepared.query,
        size,
        prepared.ref.display,
        (source) => toChange(source, columns),
        changeOptions.signal,
      ))
        yield { changes };
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
