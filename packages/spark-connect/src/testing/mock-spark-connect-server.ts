// An in-process Spark Connect server for unit tests: the real grpc-js server speaking
// the real wire format, with handlers supplied by each test. Not part of the build.
import {
  create,
  type DescMessage,
  fromBinary,
  type MessageShape,
  toBinary,
} from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { type Table, tableFromArrays, tableToIPC } from 'apache-arrow';
import { ErrorInfoSchema, StatusSchema } from '../gen/google/rpc/status_pb.js';
import {
  AnalyzePlanRequestSchema,
  AnalyzePlanResponseSchema,
  ConfigRequestSchema,
  ConfigResponseSchema,
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  ExecutePlanResponseSchema,
  FetchErrorDetailsRequestSchema,
  FetchErrorDetailsResponseSchema,
  InterruptRequestSchema,
  InterruptResponseSchema,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
  ReleaseExecuteResponseSchema,
  ReleaseSessionRequestSchema,
  ReleaseSessionResponseSchema,
} from '../gen/spark/connect/base_pb.js';

type Unary<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  metadata: grpc.Metadata,
) => MessageShape<O> | Promise<MessageShape<O>>;
type Streaming<I extends DescMessage> = (
  request: MessageShape<I>,
  call: grpc.ServerWritableStream<MessageShape<I>, ExecutePlanResponse>,
) => void | Promise<void>;

export interface MockHandlers {
  ExecutePlan?: Streaming<typeof ExecutePlanRequestSchema>;
  ReattachExecute?: Streaming<typeof ReattachExecuteRequestSchema>;
  AnalyzePlan?: Unary<typeof AnalyzePlanRequestSchema, typeof AnalyzePlanResponseSchema>;
  Config?: Unary<typeof ConfigRequestSchema, typeof ConfigResponseSchema>;
  Interrupt?: Unary<typeof InterruptRequestSchema, typeof InterruptResponseSchema>;
  ReleaseExecute?: Unary<typeof ReleaseExecuteRequestSchema, typeof ReleaseExecuteResponseSchema>;
  ReleaseSession?: Unary<typeof ReleaseSessionRequestSchema, typeof ReleaseSessionResponseSchema>;
  FetchErrorDetails?: Unary<
    typeof FetchErrorDetailsRequestSchema,
    typeof FetchErrorDetailsResponseSchema
  >;
}

export interface RecordedCall {
  method: string;
  request: unknown;
  metadata: grpc.Metadata;
}

export interface MockServer {
  remote: string;
  port: number;
  calls: RecordedCall[];
  /** Requests of one method, in order. */
  requests<T = unknown>(method: string): T[];
  close(): Promise<void>;
}

const schemas: Record<string, [DescMessage, DescMessage, boolean]> = {
  ExecutePlan: [ExecutePlanRequestSchema, ExecutePlanResponseSchema, true],
  ReattachExecute: [ReattachExecuteRequestSchema, ExecutePlanResponseSchema, true],
  AnalyzePlan: [AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, false],
  Config: [ConfigRequestSchema, ConfigResponseSchema, false],
  Interrupt: [InterruptRequestSchema, InterruptResponseSchema, false],
  ReleaseExecute: [ReleaseExecuteRequestSchema, ReleaseExecuteResponseSchema, false],
  ReleaseSession: [ReleaseSessionRequestSchema, ReleaseSessionResponseSchema, false],
  FetchErrorDetails: [FetchErrorDetailsRequestSchema, FetchErrorDetailsResponseSchema, false],
};

export async function startMockServer(handlers: MockHandlers): Promise<MockServer> {
  const server = new grpc.Server();
  const calls: RecordedCall[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's untyped service definition
  const definition: Record<string, grpc.MethodDefinition<any, any>> = {};
  const implementation: Record<string, unknown> = {};
  for (const [method, [input, output, streaming]] of Object.entries(schemas)) {
    definition[method] = {
      path: `/spark.connect.SparkConnectService/${method}`,
      requestStream: false,
      responseStream: streaming,
      requestSerialize: (message: MessageShape<DescMessage>) =>
        Buffer.from(toBinary(input, message)),
      requestDeserialize: (bytes: Buffer) => fromBinary(input, bytes),
      responseSerialize: (message: MessageShape<DescMessage>) =>
        Buffer.from(toBinary(output, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(output, bytes),
    };
    const handler = (handlers as Record<string, unknown>)[method];
    if (streaming) {
      implementation[method] = async (
        call: grpc.ServerWritableStream<never, ExecutePlanResponse>,
      ) => {
        calls.push({ method, request: call.request, metadata: call.metadata });
        if (typeof handler !== 'function')
          return call.emit('error', {
            code: grpc.status.UNIMPLEMENTED,
            details: `${method} not mocked`,
          });
        try {
          await (handler as Streaming<DescMessage>)(call.request, call as never);
        } catch (error) {
          call.emit('error', error);
        }
      };
    } else {
      implementation[method] = async (
        call: grpc.ServerUnaryCall<never, never>,
        callback: grpc.sendUnaryData<never>,
      ) => {
        calls.push({ method, request: call.request, metadata: call.metadata });
        if (typeof handler !== 'function')
          return callback({ code: grpc.status.UNIMPLEMENTED, details: `${method} not mocked` });
        try {
          callback(
            null,
            (await (handler as Unary<DescMessage, DescMessage>)(
              call.request,
              call.metadata,
            )) as never,
          );
        } catch (error) {
          callback(error as grpc.ServiceError);
        }
      };
    }
  }
  server.addService(definition, implementation as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    remote: `sc://127.0.0.1:${port}`,
    port,
    calls,
    requests: <T>(method: string) =>
      calls.filter((call) => call.method === method).map((call) => call.request as T),
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** An ExecutePlanResponse carrying one Arrow IPC stream. */
export function arrowResponse(
  table: Table,
  responseId: string,
  operationId = '',
): ExecutePlanResponse {
  return create(ExecutePlanResponseSchema, {
    sessionId: '',
    operationId,
    responseId,
    responseType: {
      case: 'arrowBatch',
      value: { rowCount: BigInt(table.numRows), data: tableToIPC(table, 'stream') },
    },
  });
}

export function completeResponse(responseId: string): ExecutePlanResponse {
  return create(ExecutePlanResponseSchema, {
    responseId,
    responseType: { case: 'resultComplete', value: {} },
  });
}

export function rowsTable(ids: bigint[], texts: string[]): Table {
  return tableFromArrays({ id: BigInt64Array.from(ids), text: texts });
}

/** A gRPC error as Spark sends it: status + google.rpc.Status with ErrorInfo in the trailer. */
export function sparkError(
  code: grpc.status,
  message: string,
  info: Record<string, string>,
): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  const status = create(StatusSchema, {
    code,
    message,
    details: [
      {
        typeUrl: 'type.googleapis.com/google.rpc.ErrorInfo',
        value: toBinary(
          ErrorInfoSchema,
          create(ErrorInfoSchema, {
            reason: 'org.apache.spark.sql.AnalysisException',
            domain: 'org.apache.spark',
            metadata: info,
          }),
        ),
      },
    ],
  });
  metadata.set('grpc-status-details-bin', Buffer.from(toBinary(StatusSchema, status)));
  return { code, details: message, metadata };
}

/** The answer to ReleaseExecute. */
export const releaseExecute = () => create(ReleaseExecuteResponseSchema, {});

/** A non-null `id bigint` field of a Spark schema. */
export const idField = {
  name: 'id',
  dataType: { kind: { case: 'long' as const, value: {} } },
  nullable: false,
};
