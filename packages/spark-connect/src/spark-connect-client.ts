import { create } from '@bufbuild/protobuf';
import type { ChannelOptions } from '@grpc/grpc-js';
import type { RecordBatch } from 'apache-arrow';
import type { ArrowRow } from './arrow-batches.js';
import type { SparkConnectionSettings } from './connection-string.js';
import { type SparkField, structFields } from './data-type.js';
import {
  type AnalyzePlanRequest,
  AnalyzePlanRequestSchema,
  type AnalyzePlanResponse,
  AnalyzePlanResponseSchema,
  InterruptRequest_InterruptType,
  InterruptRequestSchema,
  InterruptResponseSchema,
} from './gen/spark/connect/base_pb.js';
import type { SparkTransport } from './grpc-transport.js';
import { createSparkConfig } from './spark-config.js';
import { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';
import { createSparkSession } from './spark-session.js';
import { rootPlan, sqlRelation } from './sql-plans.js';
import { executeStatement, queryResult } from './sql-results.js';

export interface SparkConnectClientOptions {
  /** `sc://host:port/;token=…;use_ssl=…;user_id=…`. Default: `SPARK_REMOTE`, read at first use. */
  remote?: string;
  /** Bearer token; overrides `token=` in the connection string. */
  token?: string;
  /** UserContext.user_id; overrides `user_id=`. Default `$USER`, else `drift`. */
  userId?: string;
  /** Extra gRPC metadata headers sent on every call (merged over the connection string's). */
  headers?: Record<string, string>;
  /**
   * Reattachable execution (default true, as in PySpark): the server may end a result
   * stream early (every 2 min or 1 GiB by default, or at a proxy) and the client resumes
   * it with ReattachExecute from the last response, then releases it with ReleaseExecute.
   */
  reattachable?: boolean;
  /** How many times in a row a broken stream is resumed before giving up (default 5). */
  maxReattachAttempts?: number;
  /** `client_type` sent to the server (for its logs). */
  clientType?: string;
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
  /** A transport to use instead of grpc-js (tests), or a factory called at first use. */
  transport?: SparkTransport | ((settings: SparkConnectionSettings) => SparkTransport);
}

export interface SparkCallOptions {
  signal?: AbortSignal;
}

/** The result of `sql()`: iterate it for Arrow record batches, or use `rows()` / `collect()`. Each iteration runs the query. */
export interface SparkQueryResult extends AsyncIterable<RecordBatch> {
  /** Arrow record batches, one at a time as the server streams them (empty batches skipped). */
  batches(): AsyncIterable<RecordBatch>;
  /** The same batches as arrays of plain row objects. */
  rows(): AsyncIterable<ArrowRow[]>;
  /** All rows in memory: for small results only. */
  collect(): Promise<ArrowRow[]>;
  /** The schema the server sent first, once the query has started. */
  readonly fields: SparkField[] | undefined;
  /** Arrow payload bytes received so far by this result. */
  readonly bytesReceived: number;
}

export interface SparkConfig {
  /** Values of the keys; `undefined` for a key that is not set. */
  get(keys: string[], options?: SparkCallOptions): Promise<Record<string, string | undefined>>;
  set(pairs: Record<string, string>, options?: SparkCallOptions): Promise<void>;
  unset(keys: string[], options?: SparkCallOptions): Promise<void>;
  getAll(prefix?: string, options?: SparkCallOptions): Promise<Record<string, string | undefined>>;
}

export interface SparkConnectStats {
  /** Arrow payload bytes received by all queries of this client. */
  arrowBytesReceived: number;
  /** Responses received on result streams. */
  responses: number;
  /** Times a result stream was resumed with ReattachExecute. */
  reattaches: number;
}

export interface SparkConnectClient {
  /** Runs a query and streams its result as Arrow record batches. */
  sql(query: string, options?: SparkCallOptions): SparkQueryResult;
  /** Runs a statement eagerly (DDL/DML, SET, DESCRIBE…) and returns its output rows. */
  execute(statement: string, options?: SparkCallOptions): Promise<ArrowRow[]>;
  /** The schema of a query, without running it (AnalyzePlan). */
  schema(query: string, options?: SparkCallOptions): Promise<SparkField[]>;
  /** The server's Spark version, e.g. `4.1.2`. */
  sparkVersion(options?: SparkCallOptions): Promise<string>;
  readonly config: SparkConfig;
  /** Interrupts every running operation of this session; returns their ids. */
  interruptAll(options?: SparkCallOptions): Promise<string[]>;
  /** The session id (a UUID), fixed at first use. */
  readonly sessionId: string;
  stats(): SparkConnectStats;
  /** Releases the session on the server (best effort) and closes the channel. Idempotent. */
  close(): Promise<void>;
}

type AnalyzeRequest = AnalyzePlanRequest['analyze'];
type AnalyzeCase = Exclude<AnalyzeRequest['case'], undefined> &
  Exclude<AnalyzePlanResponse['result']['case'], undefined>;
type AnalyzeValue<K> = Extract<AnalyzeRequest, { case: K }>['value'];
type AnalyzeResult<K> = Extract<AnalyzePlanResponse['result'], { case: K }>['value'];

/** A Spark Connect client. Lazy: nothing is read, parsed or connected until the first call. */
export function createSparkConnectClient(
  options: SparkConnectClientOptions = {},
): SparkConnectClient {
  const session = createSparkSession(options);

  /** One AnalyzePlan call; an answer of another kind than asked is an error. */
  async function analyze<K extends AnalyzeCase>(
    kind: K,
    value: AnalyzeValue<K>,
    action: string,
    missing: string,
    signal?: AbortSignal,
  ): Promise<AnalyzeResult<K>> {
    const response = await session.unary(
      'AnalyzePlan',
      AnalyzePlanRequestSchema,
      AnalyzePlanResponseSchema,
      (current) =>
        create(AnalyzePlanRequestSchema, {
          ...session.base(current),
          analyze: { case: kind, value } as AnalyzeRequest,
        }),
      action,
      signal,
    );
    if (response.result.case !== kind)
      throw new SparkConnectError(
        SparkConnectErrorCode.Rpc,
        `The Spark Connect server answered ${missing}.`,
      );
    // Checked just above; TypeScript does not narrow a union by a generic case.
    return response.result.value as unknown as AnalyzeResult<K>;
  }

  async function schema(query: string, callOptions: SparkCallOptions = {}): Promise<SparkField[]> {
    const result = await analyze(
      'schema',
      { plan: rootPlan(sqlRelation(query)) } as AnalyzeValue<'schema'>,
      'reading a query schema',
      'a schema request without a schema',
      callOptions.signal,
    );
    return structFields(result.schema);
  }

  async function sparkVersion(callOptions: SparkCallOptions = {}): Promise<string> {
    const result = await analyze(
      'sparkVersion',
      {} as AnalyzeValue<'sparkVersion'>,
      'reading the Spark version',
      'a version request without a version',
      callOptions.signal,
    );
    return result.version;
  }

  async function interruptAll(callOptions: SparkCallOptions = {}): Promise<string[]> {
    const response = await session.unary(
      'Interrupt',
      InterruptRequestSchema,
      InterruptResponseSchema,
      (current) =>
        create(InterruptRequestSchema, {
          ...session.base(current),
          interruptType: InterruptRequest_InterruptType.ALL,
        }),
      'interrupting operations',
      callOptions.signal,
    );
    return response.interruptedIds;
  }

  return {
    sql: (query, callOptions) => queryResult(session, query, callOptions),
    execute: (statement, callOptions) => executeStatement(session, statement, callOptions),
    schema,
    sparkVersion,
    config: createSparkConfig(session),
    interruptAll,
    get sessionId() {
      return session.sessionId;
    },
    stats: () => ({ ...session.stats }),
    close: () => session.close(),
  };
}
