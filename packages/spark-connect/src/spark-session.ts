import { randomUUID } from 'node:crypto';
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import {
  isServiceError,
  mapGrpcError,
  readErrorInfo,
  summariseErrorDetails,
} from './error-mapping.js';
import {
  FetchErrorDetailsRequestSchema,
  FetchErrorDetailsResponseSchema,
  ReleaseSessionRequestSchema,
  ReleaseSessionResponseSchema,
  type UserContext,
} from './gen/spark/connect/base_pb.js';
import type { SparkTransport } from './grpc-transport.js';
import type { SparkConnectClientOptions, SparkConnectStats } from './spark-connect-client.js';
import { abortError, SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';
import { type Connection, openConnection } from './spark-connection.js';

/** The fields every request of a session carries. */
export interface RequestBase {
  sessionId: string;
  userContext: UserContext;
  clientType: string;
  clientObservedServerSideSessionId?: string;
}

/**
 * One client's session: the lazy connection, the session ids (client and server side),
 * the counters, and the unary call path with its error mapping.
 */
export interface SparkSession {
  readonly reattachable: boolean;
  readonly maxReattachAttempts: number;
  readonly stats: SparkConnectStats;
  /** The session id, fixed at first use. */
  readonly sessionId: string;
  /** The connection, opened at first use; throws after `close()`. */
  connect(): Connection;
  /** The session fields of a request (and marks the session used). */
  base(current: Connection): RequestBase;
  /** Remembers the server-side session id a response reports. */
  observe(serverSide: string | undefined): void;
  mapError(error: unknown, action: string, signal?: AbortSignal): Promise<SparkConnectError>;
  unary<I extends DescMessage, O extends DescMessage>(
    method: Parameters<SparkTransport['unary']>[0],
    input: I,
    output: O,
    build: (current: Connection) => MessageShape<I>,
    action: string,
    signal?: AbortSignal,
  ): Promise<MessageShape<O>>;
  /** Releases the session on the server (best effort) and closes the channel. Idempotent. */
  close(): Promise<void>;
}

export function createSparkSession(options: SparkConnectClientOptions): SparkSession {
  let connection: Connection | undefined;
  let sessionId: string | undefined;
  let serverSideSessionId: string | undefined;
  let closed = false;
  let used = false;

  function connect(): Connection {
    if (closed)
      throw new SparkConnectError(
        SparkConnectErrorCode.Closed,
        'This Spark Connect client was closed; create a new one.',
      );
    if (connection) return connection;
    const opened = openConnection(options);
    sessionId ??= opened.settings.sessionId ?? randomUUID();
    connection = opened;
    return connection;
  }

  function base(current: Connection): RequestBase {
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

  const unary: SparkSession['unary'] = async (method, input, output, build, action, signal) => {
    if (signal?.aborted) throw abortError(signal);
    const current = connect();
    try {
      const response = await current.transport.unary(method, input, output, build(current), signal);
      observe((response as { serverSideSessionId?: string }).serverSideSessionId);
      return response;
    } catch (error) {
      throw await mapError(error, action, signal);
    }
  };

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
    reattachable: options.reattachable ?? true,
    maxReattachAttempts: options.maxReattachAttempts ?? 5,
    stats: { arrowBytesReceived: 0, responses: 0, reattaches: 0 },
    get sessionId() {
      sessionId ??= randomUUID();
      return sessionId;
    },
    connect,
    base,
    observe,
    mapError,
    unary,
    close,
  };
}

/** Waits for a call whose failure does not matter (cleanup on the server). */
export function bestEffort(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}
