import {
  AbortedError,
  DriftError,
  FatalError,
  InputRejectedError,
  RateLimitedError,
  TransientError,
} from '@drift-spark/core';
import { loadedOpenAISdk } from './openai-sdk.js';

/** Headers as the SDK hands them (a `Headers`), or a plain record from an injected client. */
type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | undefined>
  | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  return (headers as Record<string, string | undefined>)[name];
}

/** Parses OpenAI's reset durations: `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3.5s`. */
export function parseResetDuration(value: string): number | undefined {
  const text = value.trim();
  if (text.length === 0) return undefined;
  const pattern = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const amount = Number(match[1]);
    const unit = match[2];
    total +=
      unit === 'ms'
        ? amount
        : unit === 's'
          ? amount * 1000
          : unit === 'm'
            ? amount * 60_000
            : amount * 3_600_000;
    consumed += match[0].length;
  }
  if (consumed !== text.length) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  }
  return total;
}

/**
 * How long OpenAI asked us to wait: `retry-after-ms`, else `retry-after` (seconds or an
 * HTTP date), else the `x-ratelimit-reset-*` of the budget that ran out (requests when
 * none are left, tokens when requests were not the reason or none are left either).
 */
export function retryAfterMsFromHeaders(
  headers: HeaderSource,
  now: () => number = Date.now,
): number | undefined {
  const milliseconds = header(headers, 'retry-after-ms');
  if (milliseconds !== undefined && Number.isFinite(Number(milliseconds)))
    return Math.max(0, Number(milliseconds));
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now());
  }
  const requestsLeft = header(headers, 'x-ratelimit-remaining-requests');
  const tokensLeft = header(headers, 'x-ratelimit-remaining-tokens');
  const resetRequests = header(headers, 'x-ratelimit-reset-requests');
  const resetTokens = header(headers, 'x-ratelimit-reset-tokens');
  const waits: number[] = [];
  const requestsOut = requestsLeft !== undefined && Number(requestsLeft) <= 0;
  if (resetRequests !== undefined && (requestsOut || requestsLeft === undefined)) {
    const wait = parseResetDuration(resetRequests);
    if (wait !== undefined) waits.push(wait);
  }
  if (resetTokens !== undefined && (!requestsOut || Number(tokensLeft) <= 0)) {
    const wait = parseResetDuration(resetTokens);
    if (wait !== undefined) waits.push(wait);
  }
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

/** Removes anything that looks like an OpenAI key (`sk-...`, masked or not) and the key itself. */
export function redactCredentials(text: string, apiKey?: string): string {
  let result = text.replace(/\b(sk|sess|org)-[A-Za-z0-9_*.-]{3,}/g, '[redacted]');
  if (apiKey && apiKey.length >= 4) result = result.split(apiKey).join('[redacted]');
  return result;
}

/** `input[3]` in the error's `param` (or, failing that, its message) → 3. */
function rejectedInputIndex(error: { param?: unknown; message?: unknown }): number | undefined {
  for (const text of [error.param, error.message]) {
    if (typeof text !== 'string') continue;
    const match = /\binput\[(\d+)\]/.exec(text);
    if (match) return Number(match[1]);
  }
  return undefined;
}

interface StatusErrorShape {
  status: number;
  headers?: HeaderSource;
  code?: unknown;
  param?: unknown;
  type?: unknown;
  error?: { message?: unknown } | undefined;
  message?: unknown;
}

/** `error instanceof` the SDK's class `name`; false while the SDK is not loaded. */
function isSdkError(
  error: unknown,
  name: 'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIUserAbortError',
): boolean {
  const sdk = loadedOpenAISdk();
  return sdk !== undefined && error instanceof sdk[name];
}

function isStatusError(error: unknown): error is StatusErrorShape {
  // The SDK's APIError and any other error that carries an HTTP status.
  return typeof (error as { status?: unknown } | null)?.status === 'number';
}

function className(error: unknown): string {
  return (error as { constructor?: { name?: string } } | null)?.constructor?.name ?? '';
}

export interface OpenAIErrorContext {
  model: string;
  apiKey?: string;
  /** Set when the caller's signal fired. */
  aborted?: boolean;
}

/**
 * Turns whatever the SDK threw into one of core's typed errors, by status and by the SDK's
 * error class, never by message text. Provider messages are kept (they say what was wrong)
 * but pass through `redactCredentials`; auth failures keep neither message nor cause,
 * because OpenAI echoes part of the key back.
 */
export function toDriftError(error: unknown, context: OpenAIErrorContext): DriftError {
  if (DriftError.isInstance(error)) return error;
  const where = `OpenAI (${context.model})`;
  if (
    context.aborted ||
    isSdkError(error, 'APIUserAbortError') ||
    className(error) === 'APIUserAbortError'
  ) {
    return new AbortedError(`The call to ${where} was aborted.`);
  }
  if (
    isSdkError(error, 'APIConnectionTimeoutError') ||
    className(error) === 'APIConnectionTimeoutError'
  ) {
    return new TransientError(`${where} did not answer in time; the call will be tried again.`, {
      cause: error,
    });
  }
  if (isSdkError(error, 'APIConnectionError') || className(error) === 'APIConnectionError') {
    return new TransientError(
      `Could not reach ${where}: ${redactCredentials(String((error as Error).message), context.apiKey)}. Check OPENAI_BASE_URL and the network; the call will be tried again.`,
      {
        cause: error,
      },
    );
  }
  if (!isStatusError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new FatalError(`${where} failed: ${redactCredentials(message, context.apiKey)}`);
  }
  const status = error.status;
  const providerMessage = redactCredentials(
    String(error.error?.message ?? error.message ?? ''),
    context.apiKey,
  );
  if (status === 401 || status === 403) {
    return new FatalError(
      status === 401
        ? `${where} refused the API key (401). Set OPENAI_API_KEY to a valid key (or pass apiKey), or use --shadow-mode to run without a provider.`
        : `${where} refused the call (403): the key has no access to this model or region. Check the key's project and permissions.`,
    );
  }
  if (status === 429) {
    if (error.code === 'insufficient_quota') {
      return new FatalError(
        `${where}: the account's quota is used up (429 insufficient_quota). Add credit or raise the limit; retrying will not help.`,
      );
    }
    const retryAfterMs = retryAfterMsFromHeaders(error.headers);
    return new RateLimitedError(
      `${where} rate limit reached (429)${retryAfterMs === undefined ? '' : `; retry in ${Math.ceil(retryAfterMs)} ms`}.`,
      {
        cause: error,
        retryAfterMs,
      },
    );
  }
  if (status === 404) {
    return new FatalError(
      `${where}: model not found (404): ${providerMessage}. Check the model name, and OPENAI_BASE_URL for an OpenAI-compatible server.`,
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    const inputIndex = rejectedInputIndex({ param: error.param, message: providerMessage });
    return new InputRejectedError(
      `${where} refused the input${inputIndex === undefined ? '' : ` at index ${inputIndex}`} (${status}): ${providerMessage}`,
      {
        cause: error,
        inputIndex,
      },
    );
  }
  if (status === 408 || status === 409 || status >= 500) {
    return new TransientError(
      `${where} answered ${status}: ${providerMessage}. The call will be tried again.`,
      { cause: error },
    );
  }
  return new FatalError(`${where} answered ${status}: ${providerMessage}`);
}
