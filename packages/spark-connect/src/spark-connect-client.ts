import { randomUUID } from 'node:crypto';
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { ChannelOptions } from '@grpc/grpc-js';
import type { RecordBatch } from 'apache-arrow';
import { type ArrowRow, batchToRows, decodeArrowPayload } from './arrow-batches.js';
import { parseConnectionString, type SparkConnectionSettings } from './connection-string.js';
import { type SparkField, structFields } from './data-type.js';
import {
  GrpcStatus,
  isServiceError,
  mapGrpcError,
  readErrorInfo,
  summariseErrorDetails,
} from './error-mapping.js';
import {
  AnalyzePlanRequestSchema,
  AnalyzePlanResponseSchema,
  type ConfigRequest_Operation,
  ConfigRequestSchema,
  ConfigResponseSchema,
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  ExecutePlanResponseSchema,
  FetchErrorDetailsRequestSchema,
  FetchErrorDetailsResponseSchema,
  InterruptRequest_InterruptType,
  InterruptRequestSchema,
  InterruptResponseSchema,
  type Plan,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
  ReleaseExecuteResponseSchema,
  ReleaseSessionRequestSchema,
  ReleaseSessionResponseSchema,
  type UserContext,
} from './gen/spark/connect/base_pb.js';
import type { Relation } from './gen/spark/connect/relations_pb.js';
import { createGrpcTransport, type ServerStream, type SparkTransport } from './grpc-transport.js';
import { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';

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

interface Connection {
  settings: SparkConnectionSettings;
  transport: SparkTransport;
  address: string;
  userContext: UserContext;
  clientType: string;
}

const sqlRelation = (query: string): Relation =>
  ({ relType: { case: 'sql', value: { query } } }) as Relation;

/** A Spark Connect client. Lazy: nothing is read, parsed or connected until the first call. */
export function createSparkConnectClient(
  options: SparkConnectClientOptions = {},
): SparkConnectClient {
  let connection: Connection | undefined;
  let sessionId: string | undefined;
  let serverSideSessionId: string | undefined;
  let closed = false;
  let used = false;
  const stats: SparkConnectStats = { arrowBytesReceived: 0, responses: 0, reattaches: 0 };
  const reattachable = options.reattachable ?? true;
  const maxReattachAttempts = options.maxReattachAttempts ?? 5;

  function connect(): Connection {
    if (closed)
      throw new SparkConnectError(
        SparkConnectErrorCode.Closed,
        'This Spark Connect client was closed; create a new one.',
      );
    if (connection) return connection;
    const remote = options.remote ?? process.env.SPARK_REMOTE;
    if (remote === undefined || remote.trim() === '') {
      throw new SparkConnectError(
        SparkConnectErrorCode.InvalidUrl,
        'No Spark Connect address: pass remote (for example sc://127.0.0.1:15002) or set SPARK_REMOTE.',
      );
    }
    const parsed = parseConnectionString(remote);
    const settings: SparkConnectionSettings = {
      ...parsed,
      ...(options.token !== undefined ? { token: options.token } : {}),
      headers: {
        ...parsed.headers,
        ...Object.fromEntries(
          Object.entries(options.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
        ),
      },
    };
    const transport =
      typeof options.transport === 'function'
        ? options.transport(settings)
        : (options.transport ?? createGrpcTransport(settings, options.channelOptions));
    sessionId ??= settings.sessionId ?? randomUUID();
    connection = {
      settings,
      transport,
      address: `${settings.host}:${settings.port}`,
      userContext: {
        userId: options.userId ?? settings.userId ?? process.env.USER ?? 'drift',
        userName: '',
      } as UserContext,
      clientType:
        options.clientType ??
        settings.userAgent ??
        `drift-spark-connect node/${process.versions.node}`,
    };
    return connection;
  }

  function base(current: Connection) {
    used = true;
    return {
      sessionId: sessionId as string,
      userContext: current.userContext,
      clientType: current.clientType,
      ...(serverSideSessionId ? { clientObservedServerSideSessionId: serverSideSessionId } : {}),
    };
  }

  function observe(serverSide: string | undefined): void {
    if (serverSide) serverSideSessionId = serverSide;
  }

  function abortError(signal: AbortSignal): SparkConnectError {
    return new SparkConnectError(
      SparkConnectErrorCode.Aborted,
      'The Spark Connect call was aborted.',
      { cause: signal.reason },
    );
  }

  /** Maps a failure, fetching the full error (FetchErrorDetails, Spark 4.x) when the server offers it. */
  async function mapError(
    error: unknown,
    action: string,
    signal?: AbortSignal,
  ): Promise<SparkConnectError> {
    if (signal?.aborted) return abortError(signal);
    const current = connection;
    let details: ReturnType<typeof summariseErrorDetails>;
    if (current && isServiceError(error)) {
      const { errorId } = readErrorInfo(error.metadata);
      if (errorId) {
        try {
          const response = await current.transport.unary(
            'FetchErrorDetails',
            FetchErrorDetailsRequestSchema,
            FetchErrorDetailsResponseSchema,
            create(FetchErrorDetailsRequestSchema, { ...base(current), errorId }),
            AbortSignal.timeout(10_000),
          );
          details = summariseErrorDetails(response);
        } catch {
          // Best effort: a 3.5 server answers UNIMPLEMENTED; the trailer still has the essentials.
        }
      }
    }
    const mapped = mapGrpcError(error, {
      address: current?.address ?? 'unknown',
      action,
      ...(details ? { details } : {}),
    });
    if (
      mapped.code === SparkConnectErrorCode.SessionLost &&
      mapped.errorClass?.startsWith('INVALID_HANDLE.SESSION')
    ) {
      // The server forgot the session: the next call starts a new one.
      sessionId = randomUUID();
      serverSideSessionId = undefined;
    }
    return mapped;
  }

  async function unary<I extends DescMessage, O extends DescMessage>(
    method: Parameters<SparkTransport['unary']>[0],
    input: I,
    output: O,
    build: (current: Connection) => MessageShape<I>,
    action: string,
    signal?: AbortSignal,
  ): Promise<MessageShape<O>> {
    if (signal?.aborted) throw abortError(signal);
    const current = connect();
    try {
      const response = await current.transport.unary(method, input, output, build(current), signal);
      observe((response as { serverSideSessionId?: string }).serverSideSessionId);
      return response;
    } catch (error) {
      throw await mapError(error, action, signal);
    }
  }

  function bestEffort(promise: Promise<unknown>): Promise<void> {
    return promise.then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Runs a plan and yields its responses (ResultComplete is consumed here). With
   * reattachable execution, a stream that ends early or breaks with UNAVAILABLE is
   * resumed after the last response id; the operation is released at the end.
   */
  async function* runPlan(
    plan: Plan,
    action: string,
    signal?: AbortSignal,
  ): AsyncGenerator<ExecutePlanResponse> {
    if (signal?.aborted) throw abortError(signal);
    const current = connect();
    const operationId = randomUUID();
    const start = () =>
      current.transport.serverStream(
        'ExecutePlan',
        ExecutePlanRequestSchema,
        ExecutePlanResponseSchema,
        create(ExecutePlanRequestSchema, {
          ...base(current),
          plan,
          operationId,
          requestOptions: reattachable
            ? [{ requestOption: { case: 'reattachOptions', value: { reattachable: true } } }]
            : [],
        }),
      );
    let stream: ServerStream<ExecutePlanResponse> = start();
    let lastResponseId: string | undefined;
    let complete = false;
    let failures = 0;
    let serverKnowsOperation = false;
    const onAbort = () => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        try {
          for await (const response of stream) {
            serverKnowsOperation = true;
            failures = 0;
            stats.responses++;
            observe(response.serverSideSessionId);
            if (response.responseId) lastResponseId = response.responseId;
            if (response.responseType.case === 'resultComplete') {
              complete = true;
              continue;
            }
            yield response;
          }
          if (!reattachable || complete) {
            complete = true;
            return;
          }
        } catch (error) {
          if (signal?.aborted) throw abortError(signal);
          const lostBeforeStart =
            isServiceError(error) &&
            !serverKnowsOperation &&
            readErrorInfo(error.metadata).errorClass?.startsWith(
              'INVALID_HANDLE.OPERATION_NOT_FOUND',
            );
          const transient =
            isServiceError(error) && error.code === GrpcStatus.Unavailable && serverKnowsOperation;
          if (!reattachable || !(transient || lostBeforeStart) || failures >= maxReattachAttempts)
            throw await mapError(error, action, signal);
          failures++;
          await delay(Math.min(50 * 4 ** (failures - 1), 5_000), signal);
          if (lostBeforeStart) {
            // The ExecutePlan never reached the server: send it again.
            stream = start();
            continue;
          }
        }
        // The stream ended without ResultComplete (or broke): resume after the last response.
        stats.reattaches++;
        stream = current.transport.serverStream(
          'ReattachExecute',
          ReattachExecuteRequestSchema,
          ExecutePlanResponseSchema,
          create(ReattachExecuteRequestSchema, {
            ...base(current),
            operationId,
            ...(lastResponseId ? { lastResponseId } : {}),
          }),
        );
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!complete) {
        stream.cancel();
        if (serverKnowsOperation) {
          await bestEffort(
            current.transport.unary(
              'Interrupt',
              InterruptRequestSchema,
              InterruptResponseSchema,
              create(InterruptRequestSchema, {
                ...base(current),
                interruptType: InterruptRequest_InterruptType.OPERATION_ID,
                interrupt: { case: 'operationId', value: operationId },
              }),
              AbortSignal.timeout(10_000),
            ),
          );
        }
      }
      if (reattachable && serverKnowsOperation) {
        await bestEffort(
          current.transport.unary(
            'ReleaseExecute',
            ReleaseExecuteRequestSchema,
            ReleaseExecuteResponseSchema,
            create(ReleaseExecuteRequestSchema, {
              ...base(current),
              operationId,
              release: { case: 'releaseAll', value: {} },
            }),
            AbortSignal.timeout(10_000),
          ),
        );
      }
    }
  }

  function sql(query: string, callOptions: SparkCallOptions = {}): SparkQueryResult {
    let fields: SparkField[] | undefined;
    let bytesReceived = 0;
    async function* batches(): AsyncGenerator<RecordBatch> {
      const plan = { opType: { case: 'root', value: sqlRelation(query) } } as Plan;
      for await (const response of runPlan(plan, 'running a SQL query', callOptions.signal)) {
        if (response.schema && fields === undefined) fields = structFields(response.schema);
        if (response.responseType.case !== 'arrowBatch') continue;
        const data = response.responseType.value.data;
        bytesReceived += data.byteLength;
        stats.arrowBytesReceived += data.byteLength;
        for (const batch of decodePayload(data)) {
          if (batch.numRows > 0) yield batch;
        }
      }
    }
    async function* rows(): AsyncGenerator<ArrowRow[]> {
      for await (const batch of batches()) yield batchToRows(batch);
    }
    return {
      [Symbol.asyncIterator]: () => batches(),
      batches,
      rows,
      async collect() {
        const all: ArrowRow[] = [];
        for await (const page of rows()) for (const row of page) all.push(row);
        return all;
      },
      get fields() {
        return fields;
      },
      get bytesReceived() {
        return bytesReceived;
      },
    };
  }

  async function execute(
    statement: string,
    callOptions: SparkCallOptions = {},
  ): Promise<ArrowRow[]> {
    const plan = {
      opType: {
        case: 'command',
        value: {
          // Spark 4.x reads `input`; 3.5 reads the (since deprecated) `sql` field.
          commandType: {
            case: 'sqlCommand',
            value: { sql: statement, input: sqlRelation(statement) },
          },
        },
      },
    } as Plan;
    const rows: ArrowRow[] = [];
    let next: Relation | undefined;
    for await (const response of runPlan(plan, 'running a SQL statement', callOptions.signal)) {
      const result = response.responseType;
      if (result.case === 'sqlCommandResult') next = result.value.relation;
      else if (result.case === 'arrowBatch')
        for (const batch of decodePayload(result.value.data)) rows.push(...batchToRows(batch));
    }
    if (next?.relType.case === 'localRelation') {
      const data = next.relType.value.data;
      if (data !== undefined && data.byteLength > 0)
        for (const batch of decodePayload(data)) rows.push(...batchToRows(batch));
    } else if (next?.relType.case !== undefined) {
      // A query: the server hands back the relation to run for its rows.
      for await (const response of runPlan(
        { opType: { case: 'root', value: next } } as Plan,
        'reading a SQL statement result',
        callOptions.signal,
      )) {
        if (response.responseType.case === 'arrowBatch')
          for (const batch of decodePayload(response.responseType.value.data))
            rows.push(...batchToRows(batch));
      }
    }
    return rows;
  }

  async function schema(query: string, callOptions: SparkCallOptions = {}): Promise<SparkField[]> {
    const response = await unary(
      'AnalyzePlan',
      AnalyzePlanRequestSchema,
      AnalyzePlanResponseSchema,
      (current) =>
        create(AnalyzePlanRequestSchema, {
          ...base(current),
          analyze: {
            case: 'schema',
            value: { plan: { opType: { case: 'root', value: sqlRelation(query) } } },
          },
        }),
      'reading a query schema',
      callOptions.signal,
    );
    if (response.result.case !== 'schema')
      throw new SparkConnectError(
        SparkConnectErrorCode.Rpc,
        'The Spark Connect server answered a schema request without a schema.',
      );
    return structFields(response.result.value.schema);
  }

  async function sparkVersion(callOptions: SparkCallOptions = {}): Promise<string> {
    const response = await unary(
      'AnalyzePlan',
      AnalyzePlanRequestSchema,
      AnalyzePlanResponseSchema,
      (current) =>
        create(AnalyzePlanRequestSchema, {
          ...base(current),
          analyze: { case: 'sparkVersion', value: {} },
        }),
      'reading the Spark version',
      callOptions.signal,
    );
    if (response.result.case !== 'sparkVersion')
      throw new SparkConnectError(
        SparkConnectErrorCode.Rpc,
        'The Spark Connect server answered a version request without a version.',
      );
    return response.result.value.version;
  }

  async function configCall(
    operation: ConfigRequest_Operation['opType'],
    action: string,
    signal?: AbortSignal,
  ): Promise<Record<string, string | undefined>> {
    const response = await unary(
      'Config',
      ConfigRequestSchema,
      ConfigResponseSchema,
      (current) =>
        create(ConfigRequestSchema, { ...base(current), operation: { opType: operation } }),
      action,
      signal,
    );
    const result: Record<string, string | undefined> = {};
    for (const pair of response.pairs) result[pair.key] = pair.value;
    return result;
  }

  const config: SparkConfig = {
    async get(keys, callOptions = {}) {
      const values = await configCall(
        { case: 'getOption', value: { keys } } as ConfigRequest_Operation['opType'],
        'reading Spark config',
        callOptions.signal,
      );
      return Object.fromEntries(keys.map((key) => [key, values[key]]));
    },
    async set(pairs, callOptions = {}) {
      await configCall(
        {
          case: 'set',
          value: { pairs: Object.entries(pairs).map(([key, value]) => ({ key, value })) },
        } as ConfigRequest_Operation['opType'],
        'setting Spark config',
        callOptions.signal,
      );
    },
    async unset(keys, callOptions = {}) {
      await configCall(
        { case: 'unset', value: { keys } } as ConfigRequest_Operation['opType'],
        'unsetting Spark config',
        callOptions.signal,
      );
    },
    getAll(prefix, callOptions = {}) {
      return configCall(
        {
          case: 'getAll',
          value: prefix === undefined ? {} : { prefix },
        } as ConfigRequest_Operation['opType'],
        'reading Spark config',
        callOptions.signal,
      );
    },
  };

  async function interruptAll(callOptions: SparkCallOptions = {}): Promise<string[]> {
    const response = await unary(
      'Interrupt',
      InterruptRequestSchema,
      InterruptResponseSchema,
      (current) =>
        create(InterruptRequestSchema, {
          ...base(current),
          interruptType: InterruptRequest_InterruptType.ALL,
        }),
      'interrupting operations',
      callOptions.signal,
    );
    return response.interruptedIds;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const current = connection;
    if (!current) return;
    if (used) {
      await bestEffort(
        current.transport.unary(
          'ReleaseSession',
          ReleaseSessionRequestSchema,
          ReleaseSessionResponseSchema,
          create(ReleaseSessionRequestSchema, {
            sessionId: sessionId as string,
            userContext: current.userContext,
            clientType: current.clientType,
          }),
          AbortSignal.timeout(5_000),
        ),
      );
    }
    current.transport.close();
  }

  return {
    sql,
    execute,
    schema,
    sparkVersion,
    config,
    interruptAll,
    get sessionId() {
      sessionId ??= randomUUID();
      return sessionId;
    },
    stats: () => ({ ...stats }),
    close,
  };
}

function decodePayload(data: Uint8Array): RecordBatch[] {
  try {
    return decodeArrowPayload(data);
  } catch (error) {
    throw new SparkConnectError(
      SparkConnectErrorCode.Rpc,
      `Could not decode an Arrow batch from Spark Connect: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new SparkConnectError(
          SparkConnectErrorCode.Aborted,
          'The Spark Connect call was aborted.',
          { cause: signal?.reason },
        ),
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
