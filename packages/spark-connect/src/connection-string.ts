import { SparkConnectError, SparkConnectErrorCode } from './spark-connect-error.js';

/** A parsed `sc://host:port/;key=value;…` connection string (Spark's client-connection-string spec). */
export interface SparkConnectionSettings {
  host: string;
  port: number;
  /** Bearer token, sent as `authorization: Bearer …` on every call. */
  token: string | undefined;
  /** TLS on. Default: on when a token is given (as in PySpark), unless `use_ssl=false` says otherwise. */
  useSsl: boolean;
  userId: string | undefined;
  userAgent: string | undefined;
  sessionId: string | undefined;
  /** Receive/send limit in bytes; default 128 MiB. */
  grpcMaxMessageSize: number;
  /** Every other parameter: sent as a gRPC metadata header (e.g. `x-databricks-cluster-id`). */
  headers: Record<string, string>;
}

export const DEFAULT_SPARK_CONNECT_PORT = 15002;
export const DEFAULT_MAX_MESSAGE_SIZE = 128 * 1024 * 1024;

const reserved = new Set([
  'token',
  'use_ssl',
  'user_id',
  'user_agent',
  'session_id',
  'grpc_max_message_size',
]);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(message: string): SparkConnectError {
  return new SparkConnectError(
    SparkConnectErrorCode.InvalidUrl,
    `${message} Expected sc://host[:port]/;key=value;… (for example sc://127.0.0.1:15002).`,
  );
}

/**
 * Parses a Spark Connect connection string. Parameter names are case-sensitive and values
 * are URL-decoded. The error never repeats the string itself (it may hold a token).
 */
export function parseConnectionString(remote: string): SparkConnectionSettings {
  const text = remote.trim();
  if (!text.startsWith('sc://')) {
    throw invalid(
      `The Spark Connect address must start with "sc://"${text.includes('://') ? ` (got "${text.slice(0, text.indexOf('://'))}://")` : ''}.`,
    );
  }
  const rest = text.slice('sc://'.length);
  const semicolon = rest.indexOf(';');
  const authorityAndPath = semicolon === -1 ? rest : rest.slice(0, semicolon);
  const parameterText = semicolon === -1 ? '' : rest.slice(semicolon + 1);
  const slash = authorityAndPath.indexOf('/');
  const authority = slash === -1 ? authorityAndPath : authorityAndPath.slice(0, slash);
  const path = slash === -1 ? '' : authorityAndPath.slice(slash);
  if (path !== '' && path !== '/')
    throw invalid('A Spark Connect address has no path (only "/" before the ";key=value" list).');
  if (authority === '') throw invalid('The Spark Connect address has no host.');

  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1)
      throw invalid('The IPv6 host in the Spark Connect address has no closing "]".');
    host = authority.slice(0, close + 1);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':'))
      throw invalid('Unexpected text after the IPv6 host.');
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
    portText = colon === -1 ? undefined : authority.slice(colon + 1);
  }
  if (host === '' || /[\s@]/.test(host))
    throw invalid('The Spark Connect address has an invalid host.');
  let port = DEFAULT_SPARK_CONNECT_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw invalid(
        `The port "${portText}" in the Spark Connect address is not a number from 1 to 65535.`,
      );
    }
    port = Number(portText);
  }

  const parameters = new Map<string, string>();
  for (const part of parameterText.split(';')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    if (equals <= 0) throw invalid(`The parameter "${part.slice(0, 40)}" has no "key=value" form.`);
    const key = part.slice(0, equals);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(equals + 1));
    } catch {
      throw invalid(`The value of parameter "${key}" is not validly URL-encoded.`);
    }
    parameters.set(key, value);
  }

  const token = parameters.get('token') || undefined;
  const useSslText = parameters.get('use_ssl');
  if (useSslText !== undefined && !/^(true|false)$/i.test(useSslText))
    throw invalid('use_ssl must be "true" or "false".');
  const useSsl =
    useSslText === undefined ? token !== undefined : useSslText.toLowerCase() === 'true';
  const sessionId = parameters.get('session_id') || undefined;
  if (sessionId !== undefined && !uuidPattern.test(sessionId))
    throw invalid('session_id must be a UUID.');
  let grpcMaxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  const sizeText = parameters.get('grpc_max_message_size');
  if (sizeText !== undefined) {
    if (!/^\d+$/.test(sizeText) || Number(sizeText) <= 0)
      throw invalid('grpc_max_message_size must be a positive number of bytes.');
    grpcMaxMessageSize = Number(sizeText);
  }
  const userAgent = parameters.get('user_agent') || undefined;
  if (userAgent !== undefined && userAgent.length > 2048)
    throw invalid('user_agent is longer than 2048 characters.');

  const headers: Record<string, string> = {};
  for (const [key, value] of parameters) {
    if (!reserved.has(key)) headers[key.toLowerCase()] = value;
  }
  return {
    host,
    port,
    token,
    useSsl,
    userId: parameters.get('user_id') || undefined,
    userAgent,
    sessionId,
    grpcMaxMessageSize,
    headers,
  };
}
