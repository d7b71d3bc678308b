import { type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import type { SparkConnectionSettings } from './connection-string.js';

const servicePath = '/spark.connect.SparkConnectService/';

/** The RPCs this client calls, by method name. */
export type SparkRpc =
  | 'ExecutePlan'
  | 'ReattachExecute'
  | 'AnalyzePlan'
  | 'Config'
  | 'Interrupt'
  | 'ReleaseExecute'
  | 'ReleaseSession'
  | 'FetchErrorDetails';

/** A server stream as this client consumes it: async-iterable messages, and cancel(). */
export interface ServerStream<T> extends AsyncIterable<T> {
  cancel(): void;
}

/**
 * The small surface the client needs from a transport. The default is grpc-js over
 * HTTP/2; tests may pass their own.
 */
export interface SparkTransport {
  unary<I extends DescMessage, O extends DescMessage>(
    method: SparkRpc,
    input: I,
    output: O,
    request: MessageShape<I>,
    signal?: AbortSignal,
  ): Promise<MessageShape<O>>;
  serverStream<I extends DescMessage, O extends DescMessage>(
    method: SparkRpc,
    input: I,
    output: O,
    request: MessageShape<I>,
  ): ServerStream<MessageShape<O>>;
  close(): void;
}

/**
 * grpc-js transport: TLS when the settings say so, the bearer token attached to every
 * call as metadata (grpc-js refuses call credentials on a plaintext channel), extra
 * connection-string parameters as headers, 128 MiB message limits, keepalive, and no
 * deadline (queries may legitimately run for hours).
 */
export function createGrpcTransport(
  settings: SparkConnectionSettings,
  channelOptions: grpc.ChannelOptions = {},
): SparkTransport {
  const credentials = settings.useSsl
    ? grpc.credentials.createSsl()
    : grpc.credentials.createInsecure();
  const client = new grpc.Client(`${settings.host}:${settings.port}`, credentials, {
    'grpc.max_receive_message_length': settings.grpcMaxMessageSize,
    'grpc.max_send_message_length': settings.grpcMaxMessageSize,
    // Spark's (Netty) server accepts a ping at most every 5 minutes and none while no call
    // is open; more often, it answers GOAWAY too_many_pings and a long statement fails with
    // RESOURCE_EXHAUSTED ("Bandwidth exhausted"). So: one ping per 6 minutes, during calls.
    'grpc.keepalive_time_ms': 360_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.keepalive_permit_without_calls': 0,
    'grpc.primary_user_agent': 'drift-spark-connect',
    ...channelOptions,
  });

  const metadata = (): grpc.Metadata => {
    const result = new grpc.Metadata();
    for (const [key, value] of Object.entries(settings.headers)) result.set(key, value);
    if (settings.token !== undefined) result.set('authorization', `Bearer ${settings.token}`);
    return result;
  };
  const serialize =
    <I extends DescMessage>(input: I) =>
    (message: MessageShape<I>) =>
      Buffer.from(toBinary(input, message));
  const deserialize =
    <O extends DescMessage>(output: O) =>
    (bytes: Buffer) =>
      fromBinary(output, bytes);

  return {
    unary(method, input, output, request, signal) {
      return new Promise((resolve, reject) => {
        const call = client.makeUnaryRequest(
          servicePath + method,
          serialize(input),
          deserialize(output),
          request,
          metadata(),
          {},
          (error, response) => {
            signal?.removeEventListener('abort', onAbort);
            if (error) reject(error);
            else resolve(response as MessageShape<typeof output>);
          },
        );
        const onAbort = () => call.cancel();
        if (signal?.aborted) call.cancel();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    serverStream(method, input, output, request) {
      const call = client.makeServerStreamRequest(
        servicePath + method,
        serialize(input),
        deserialize(output),
        request,
        metadata(),
        {},
      );
      return {
        cancel: () => call.cancel(),
        [Symbol.asyncIterator]: () =>
          call[Symbol.asyncIterator]() as AsyncIterator<MessageShape<typeof output>>,
      };
    },
    close() {
      client.close();
    },
  };
}
