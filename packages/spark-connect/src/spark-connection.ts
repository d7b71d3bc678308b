import { parseConnectionString, type SparkConnectionSettings } from './connection-string.js';
import type { UserContext } from './gen/spark/connect/base_pb.js';
import { createGrpcTransport, type SparkTransport } from './grpc-transport.js';
import type { SparkConnectClientOptions } from './spark-connect-client.js';
import { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';

/** The resolved address, credentials and transport of one client. */
export interface Connection {
  settings: SparkConnectionSettings;
  transport: SparkTransport;
  address: string;
  userContext: UserContext;
  clientType: string;
}

/**
 * Resolves the connection string (options, else `SPARK_REMOTE`), merges the explicit
 * token and headers over it, and creates the transport.
 */
export function openConnection(options: SparkConnectClientOptions): Connection {
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
  return {
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
}
