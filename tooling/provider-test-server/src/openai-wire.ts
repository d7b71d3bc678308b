import { estimateTokensByBytes, fakeVector, float32ToBase64 } from './fake-vector.js';
import type { RecordedRequest, RouteHandler, TestResponse } from './test-server.js';

/** The route key OpenAI's SDK posts to when `baseURL` is `${server.url}/v1`. */
export const openAIEmbeddingsRoute = 'POST /v1/embeddings';

export interface OpenAIEmbeddingsHandlerOptions {
  /** Dimensions when the request names none. Default 3072 for `text-embedding-3-large`, else 1536. */
  defaultDimensions?: number;
  /** Tokens the server bills per input. Default a quarter token per UTF-8 byte. */
  countTokens?: (text: string) => number;
  /** Refuse a request with a 400 when an input makes this return a message. */
  reject?: (text: string, index: number) => string | undefined;
  /** Name the rejected input in `error.param` (`input[3]`), as OpenAI does for some refusals. Default true. */
  nameRejectedInput?: boolean;
  delayMs?: number;
}

/** The body of an OpenAI embeddings request. */
export interface OpenAIEmbeddingsRequestBody {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

/** Answers `POST /v1/embeddings` as OpenAI does: one vector per input (a fake, deterministic one) and usage. */
export function openAIEmbeddingsHandler(
  options: OpenAIEmbeddingsHandlerOptions = {},
): RouteHandler {
  const countTokens = options.countTokens ?? estimateTokensByBytes;
  return (request: RecordedRequest): TestResponse => {
    const body = request.json as OpenAIEmbeddingsRequestBody | undefined;
    if (!body || typeof body.model !== 'string' || body.input === undefined) {
      return openAIError(
        400,
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        {
          type: 'invalid_request_error',
        },
      );
    }
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    for (const [index, text] of inputs.entries()) {
      const refusal =
        text.length === 0
          ? `Invalid 'input[${index}]': empty string.`
          : options.reject?.(text, index);
      if (refusal !== undefined) {
        return openAIError(400, refusal, {
          type: 'invalid_request_error',
          param: options.nameRejectedInput === false ? null : `input[${index}]`,
        });
      }
    }
    const dimensions =
      body.dimensions ??
      options.defaultDimensions ??
      (body.model === 'text-embedding-3-large' ? 3072 : 1536);
    let tokens = 0;
    const data = inputs.map((text, index) => {
      tokens += countTokens(text);
      const vector = fakeVector(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: body.encoding_format === 'base64' ? float32ToBase64(vector) : Array.from(vector),
      };
    });
    return {
      status: 200,
      delayMs: options.delayMs,
      headers: { 'x-request-id': `req_${Math.random().toString(36).slice(2)}` },
      body: {
        object: 'list',
        data,
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
    };
  };
}

/** An OpenAI error answer: `{error: {message, type, param, code}}`. */
export function openAIError(
  status: number,
  message: string,
  details: {
    type?: string;
    param?: string | null;
    code?: string | null;
    headers?: Record<string, string>;
  } = {},
): TestResponse {
  return {
    status,
    headers: details.headers,
    body: {
      error: {
        message,
        type: details.type ?? 'invalid_request_error',
        param: details.param ?? null,
        code: details.code ?? null,
      },
    },
  };
}

/** Formats milliseconds the way OpenAI's `x-ratelimit-reset-*` headers do: `20ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatResetDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.max(0, Math.ceil(milliseconds))}ms`;
  let seconds = milliseconds / 1000;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const secondsText = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}
