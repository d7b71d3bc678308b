import { ErrorCode, type InputRejectedError, RateLimitedError } from '@drift-spark/core';
import { caughtDriftError } from '@drift-spark/core/testkit';
import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  openAIError,
} from '@drift-spark/provider-test-server';
import { describe, expect, it } from 'vitest';
import { embedder, secretKey, server } from './testing/openai-test-setup.js';

describe('createOpenAIEmbedder: errors, one request each (SDK retries off)', () => {
  it('turns a 429 with reset headers into RateLimitedError with retryAfterMs', async () => {
    server().setRoute(openAIEmbeddingsRoute, [
      openAIError(429, 'Rate limit reached for text-embedding-3-small on tokens per min.', {
        code: 'rate_limit_exceeded',
        headers: {
          'x-ratelimit-remaining-requests': '10',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-requests': '120ms',
          'x-ratelimit-reset-tokens': '1m30.5s',
        },
      }),
      openAIEmbeddingsHandler(),
    ] as never);
    const model = embedder();
    const error = await caughtDriftError(model.embed(['x']));
    expect(RateLimitedError.isInstance(error) && error.code).toBe(ErrorCode.RateLimited);
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMs).toBe(90_500);
    expect(server().requests).toHaveLength(1);
  });

  it('answers 429 then 200: the next call succeeds', async () => {
    server().setRoute(openAIEmbeddingsRoute, (request, context) =>
      context.callIndex === 0
        ? openAIError(429, 'slow down', { headers: { 'retry-after-ms': '250' } })
        : openAIEmbeddingsHandler()(request, context),
    );
    const model = embedder();
    expect((await caughtDriftError(model.embed(['x']))).retryAfterMs).toBe(250);
    expect((await model.embed(['x'])).vectors).toHaveLength(1);
    expect(server().requests).toHaveLength(2);
  });

  it('reads retry-after in seconds', async () => {
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIError(429, 'slow down', { headers: { 'retry-after': '3' } }),
    );
    expect((await caughtDriftError(embedder().embed(['x']))).retryAfterMs).toBe(3000);
  });

  it('treats 429 insufficient_quota as fatal', async () => {
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIError(429, 'You exceeded your current quota.', {
        code: 'insufficient_quota',
        type: 'insufficient_quota',
      }),
    );
    expect((await caughtDriftError(embedder().embed(['x']))).code).toBe(ErrorCode.Fatal);
  });

  it('turns 500 and 503 into transient errors without retrying inside the SDK', async () => {
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIError(500, 'The server had an error while processing your request.', {
        type: 'server_error',
      }),
    );
    const error = await caughtDriftError(embedder().embed(['x']));
    expect(error.code).toBe(ErrorCode.Transient);
    expect(error.isRetryable).toBe(true);
    server().setRoute(openAIEmbeddingsRoute, { status: 503, body: 'upstream unavailable' });
    expect((await caughtDriftError(embedder().embed(['x']))).code).toBe(ErrorCode.Transient);
    expect(server().requests).toHaveLength(2);
  });

  it('turns a slow answer past timeoutMs and a dropped connection into transient errors', async () => {
    server().setRoute(openAIEmbeddingsRoute, { delayMs: 2000, body: {} });
    expect((await caughtDriftError(embedder({ timeoutMs: 100 }).embed(['x']))).code).toBe(
      ErrorCode.Transient,
    );
    server().setRoute(openAIEmbeddingsRoute, { destroy: true });
    expect((await caughtDriftError(embedder().embed(['x']))).code).toBe(ErrorCode.Transient);
  });

  it('turns a 400 naming an input into InputRejectedError with its index', async () => {
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIEmbeddingsHandler({
        reject: (text) =>
          text === 'bad' ? "Invalid 'input[1]': contains invalid characters." : undefined,
      }),
    );
    const error = await caughtDriftError<InputRejectedError>(
      embedder().embed(['good', 'bad', 'good too']),
    );
    expect(error.code).toBe(ErrorCode.InputRejected);
    expect(error.inputIndex).toBe(1);
    expect(error.isRetryable).toBe(false);
  });

  it('leaves inputIndex unset when the 400 does not say which input', async () => {
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIError(400, "'$.input' is invalid. Please check the API reference.", { param: null }),
    );
    const error = await caughtDriftError<InputRejectedError>(embedder().embed(['a', 'b']));
    expect(error.code).toBe(ErrorCode.InputRejected);
    expect(error.inputIndex).toBeUndefined();
  });

  it('turns 401 into a fatal error whose message and cause carry no key', async () => {
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIError(
        401,
        `Incorrect API key provided: ${secretKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        { code: 'invalid_api_key' },
      ),
    );
    const error = await caughtDriftError(embedder().embed(['x']));
    expect(error.code).toBe(ErrorCode.Fatal);
    expect(error.message).toContain('OPENAI_API_KEY');
    const everything = `${error.message} ${error.stack} ${String(error.cause)} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(secretKey);
    expect(everything).not.toContain('sk-test');
  });

  it('turns 403 and an unknown model (404) into fatal errors', async () => {
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIError(403, 'Project does not have access to model', { code: 'model_not_found' }),
    );
    expect((await caughtDriftError(embedder().embed(['x']))).code).toBe(ErrorCode.Fatal);
    server().setRoute(
      openAIEmbeddingsRoute,
      openAIError(404, 'The model `text-embedding-4` does not exist', { code: 'model_not_found' }),
    );
    const error = await caughtDriftError(
      embedder({ model: 'text-embedding-4', dimensions: 8 }).embed(['x']),
    );
    expect(error.code).toBe(ErrorCode.Fatal);
    expect(error.message).toContain('model not found');
  });

  it('turns an aborted call into AbortedError', async () => {
    server().setRoute(openAIEmbeddingsRoute, { delayMs: 2000, body: {} });
    const controller = new AbortController();
    const pending = embedder().embed(['x'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await caughtDriftError(pending)).code).toBe(ErrorCode.Aborted);
  });
});
