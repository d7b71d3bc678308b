import {
  DriftError,
  ErrorCode,
  type InputRejectedError,
  RateLimitedError,
} from '@drift-spark/core';
import {
  fakeVector,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  openAIError,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';
import { encodeTokens } from './openai-tokenizer.js';

const secretKey = 'sk-test-secret-0123456789abcdef';
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer({ [openAIEmbeddingsRoute]: openAIEmbeddingsHandler() });
});
afterEach(async () => {
  await server.close();
});

function embedder(options: Partial<OpenAIEmbedderOptions> = {}) {
  return createOpenAIEmbedder({
    model: 'openai/text-embedding-3-small',
    apiKey: secretKey,
    baseURL: `${server.url}/v1`,
    ...options,
  });
}

async function caught(promise: Promise<unknown>): Promise<DriftError> {
  try {
    await promise;
  } catch (error) {
    if (DriftError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

type SentBody = { model: string; input: string[]; encoding_format?: string; dimensions?: number };
const sent = (index = 0) => server.requestsTo(openAIEmbeddingsRoute)[index]?.json as SentBody;

describe('createOpenAIEmbedder: what is sent and what comes back', () => {
  it('sends the model, base64 encoding, dimensions and inputs, and decodes each vector exactly', async () => {
    const model = embedder({ dimensions: 256 });
    const texts = ['The quick brown fox', 'jumps over the lazy dog', 'ünïcödé and 漢字'];
    const result = await model.embed(texts);

    expect(sent()).toEqual({
      model: 'text-embedding-3-small',
      input: texts,
      encoding_format: 'base64',
      dimensions: 256,
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${secretKey}`);
    expect(result.vectors).toHaveLength(3);
    for (const [index, text] of texts.entries()) {
      const vector = result.vectors[index] as Float32Array;
      expect(vector).toBeInstanceOf(Float32Array);
      expect(Array.from(vector)).toEqual(Array.from(fakeVector(text, 256)));
    }
    expect(model.dimensions).toBe(256);
    expect(model.fingerprint).toBe('openai/text-embedding-3-small@256');
  });

  it('reports the provider usage as tokens and splits it per input to the same total', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIEmbeddingsHandler({ countTokens: (text) => encodeTokens(text).length }),
    );
    const texts = [
      'one two three',
      'a much longer text with quite a few more tokens in it than the first',
    ];
    const result = await embedder().embed(texts);
    const expected = texts.map((text) => encodeTokens(text).length);
    expect(result.tokens).toBe(expected[0]! + expected[1]!);
    expect(result.tokensPerInput).toEqual(expected);
    expect(result.truncated).toBe(0);
  });

  it('apportions a usage that differs from the tokenizer so the shares still add up to it', async () => {
    server.setRoute(openAIEmbeddingsRoute, openAIEmbeddingsHandler({ countTokens: () => 7 }));
    const result = await embedder().embed(['short', 'a somewhat longer text here', 'mid text']);
    expect(result.tokens).toBe(21);
    expect(result.tokensPerInput?.reduce((sum, count) => sum + count, 0)).toBe(21);
  });

  it('leaves dimensions out for ada-002 and for v3 models when not asked', async () => {
    await embedder({ model: 'text-embedding-ada-002' }).embed(['a']);
    await embedder({ model: 'openai/text-embedding-3-large' }).embed(['b']);
    expect(sent(0)).toEqual({
      model: 'text-embedding-ada-002',
      input: ['a'],
      encoding_format: 'base64',
    });
    expect(sent(1)).toEqual({
      model: 'text-embedding-3-large',
      input: ['b'],
      encoding_format: 'base64',
    });
    expect(createOpenAIEmbedder({ model: 'openai/text-embedding-3-large' }).dimensions).toBe(3072);
  });

  it('passes any other model name through to an OpenAI-compatible server, and needs its dimensions', async () => {
    const unknown = embedder({ model: 'nomic-embed-text' });
    expect((await caught(unknown.embed(['x']))).code).toBe(ErrorCode.Fatal);
    expect(server.requests).toHaveLength(0);
    const result = await embedder({ model: 'nomic-embed-text', dimensions: 1536 }).embed(['x']);
    expect(sent()).toEqual({ model: 'nomic-embed-text', input: ['x'], encoding_format: 'base64' });
    expect(result.vectors[0]).toHaveLength(1536);
  });

  it('refuses vectors of another length than declared', async () => {
    const error = await caught(embedder({ model: 'my-model', dimensions: 768 }).embed(['x']));
    expect(error.code).toBe(ErrorCode.Fatal);
    expect(error.message).toContain('1536');
  });

  it('reads OPENAI_API_KEY and OPENAI_BASE_URL at the first call, not at construction', async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      const model = createOpenAIEmbedder({ model: 'text-embedding-3-small' });
      const missing = await caught(model.embed(['x']));
      expect(missing.code).toBe(ErrorCode.Fatal);
      expect(missing.message).toContain('OPENAI_API_KEY');
      expect(missing.message).toContain('--shadow-mode');
      process.env.OPENAI_API_KEY = secretKey;
      process.env.OPENAI_BASE_URL = `${server.url}/v1`;
      const result = await model.embed(['x']);
      expect(result.vectors).toHaveLength(1);
      expect(server.requests).toHaveLength(1);
    } finally {
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved.key;
      if (saved.url === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved.url;
    }
  });

  it('uses an injected client instead of building one', async () => {
    const calls: unknown[] = [];
    const model = createOpenAIEmbedder({
      model: 'text-embedding-3-small',
      dimensions: 4,
      client: () => ({
        embeddings: {
          create: async (body) => {
            calls.push(body);
            return {
              data: body.input.map((text, index) => ({
                index,
                embedding: Array.from(fakeVector(text, 4)),
              })),
              usage: { prompt_tokens: 3 },
            };
          },
        },
      }),
    });
    const result = await model.embed(['hi']);
    expect(calls).toHaveLength(1);
    expect(Array.from(result.vectors[0] as Float32Array)).toEqual(Array.from(fakeVector('hi', 4)));
    expect(result.tokens).toBe(3);
  });
});

describe('createOpenAIEmbedder: limits, empty and over-long inputs', () => {
  const longText = 'lorem ipsum dolor sit amet '.repeat(2000); // ~10k tokens

  it('truncates an input over 8192 tokens by default and reports it', async () => {
    const result = await embedder().embed(['short', longText]);
    expect(result.truncated).toBe(1);
    const input = sent().input;
    expect(input[0]).toBe('short');
    expect(encodeTokens(input[1] as string).length).toBeLessThanOrEqual(8192);
    expect(encodeTokens(input[1] as string).length).toBeGreaterThan(8100);
    expect(longText.startsWith(input[1] as string)).toBe(true);
  });

  it("refuses an over-long input with overlong: 'reject', naming it, without calling", async () => {
    const error = await caught(embedder({ overlong: 'reject' }).embed(['short', longText]));
    expect(error.code).toBe(ErrorCode.InputRejected);
    expect((error as InputRejectedError).inputIndex).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('never sends an empty input', async () => {
    const error = await caught(embedder().embed(['a', '']));
    expect(error.code).toBe(ErrorCode.InvalidInput);
    expect(server.requests).toHaveLength(0);
  });

  it('throws LimitExceededError beyond 2048 inputs instead of splitting', async () => {
    const error = await caught(
      embedder().embed(Array.from({ length: 2049 }, (_, index) => `text ${index}`)),
    );
    expect(error.code).toBe(ErrorCode.LimitExceeded);
    expect(server.requests).toHaveLength(0);
  });

  it("counts tokens at least as OpenAI's per-request estimate does, and refuses calls over 300k of them", async () => {
    const model = embedder();
    const text = 'lorem ipsum '.repeat(2700); // 32 400 bytes: estimate 8100, real tokens fewer
    expect(model.countTokens(text)).toBe(8100);
    expect(model.countTokens(text)).toBeGreaterThanOrEqual(encodeTokens(text).length);
    const cjk = '漢字仮名交じり文'.repeat(100);
    expect(model.countTokens(cjk)).toBeGreaterThanOrEqual(encodeTokens(cjk).length);
    expect(model.countTokens(cjk)).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength(cjk) / 4));
    const error = await caught(
      model.embed(Array.from({ length: 38 }, (_, index) => `${index} ${text}`)),
    );
    expect(error.code).toBe(ErrorCode.LimitExceeded);
    expect(server.requests).toHaveLength(0);
    await model.embed(Array.from({ length: 37 }, (_, index) => `${index} ${text}`));
    expect(server.requests).toHaveLength(1);
  });

  it('declares its limits and prices as data', () => {
    const model = embedder();
    expect(model.limits).toMatchObject({
      maxInputsPerCall: 2048,
      maxTokensPerInput: 8192,
      maxTokensPerCall: 300_000,
    });
    expect(model.price.usdPerMillionTokens).toBe(0.02);
    expect(model.price.source).toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(embedder({ price: 0.5 }).price).toEqual({ usdPerMillionTokens: 0.5, source: 'user' });
    expect(embedder({ model: 'text-embedding-3-large' }).price.usdPerMillionTokens).toBe(0.13);
  });
});

describe('createOpenAIEmbedder: errors, one request each (SDK retries off)', () => {
  it('turns a 429 with reset headers into RateLimitedError with retryAfterMs', async () => {
    server.setRoute(openAIEmbeddingsRoute, [
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
    const error = await caught(model.embed(['x']));
    expect(RateLimitedError.isInstance(error) && error.code).toBe(ErrorCode.RateLimited);
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMs).toBe(90_500);
    expect(server.requests).toHaveLength(1);
  });

  it('answers 429 then 200: the next call succeeds', async () => {
    server.setRoute(openAIEmbeddingsRoute, (request, context) =>
      context.callIndex === 0
        ? openAIError(429, 'slow down', { headers: { 'retry-after-ms': '250' } })
        : openAIEmbeddingsHandler()(request, context),
    );
    const model = embedder();
    expect((await caught(model.embed(['x']))).retryAfterMs).toBe(250);
    expect((await model.embed(['x'])).vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('reads retry-after in seconds', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIError(429, 'slow down', { headers: { 'retry-after': '3' } }),
    );
    expect((await caught(embedder().embed(['x']))).retryAfterMs).toBe(3000);
  });

  it('treats 429 insufficient_quota as fatal', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIError(429, 'You exceeded your current quota.', {
        code: 'insufficient_quota',
        type: 'insufficient_quota',
      }),
    );
    expect((await caught(embedder().embed(['x']))).code).toBe(ErrorCode.Fatal);
  });

  it('turns 500 and 503 into transient errors without retrying inside the SDK', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIError(500, 'The server had an error while processing your request.', {
        type: 'server_error',
      }),
    );
    const error = await caught(embedder().embed(['x']));
    expect(error.code).toBe(ErrorCode.Transient);
    expect(error.isRetryable).toBe(true);
    server.setRoute(openAIEmbeddingsRoute, { status: 503, body: 'upstream unavailable' });
    expect((await caught(embedder().embed(['x']))).code).toBe(ErrorCode.Transient);
    expect(server.requests).toHaveLength(2);
  });

  it('turns a slow answer past timeoutMs and a dropped connection into transient errors', async () => {
    server.setRoute(openAIEmbeddingsRoute, { delayMs: 2000, body: {} });
    expect((await caught(embedder({ timeoutMs: 100 }).embed(['x']))).code).toBe(
      ErrorCode.Transient,
    );
    server.setRoute(openAIEmbeddingsRoute, { destroy: true });
    expect((await caught(embedder().embed(['x']))).code).toBe(ErrorCode.Transient);
  });

  it('turns a 400 naming an input into InputRejectedError with its index', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIEmbeddingsHandler({
        reject: (text) =>
          text === 'bad' ? "Invalid 'input[1]': contains invalid characters." : undefined,
      }),
    );
    const error = await caught(embedder().embed(['good', 'bad', 'good too']));
    expect(error.code).toBe(ErrorCode.InputRejected);
    expect((error as InputRejectedError).inputIndex).toBe(1);
    expect(error.isRetryable).toBe(false);
  });

  it('leaves inputIndex unset when the 400 does not say which input', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIError(400, "'$.input' is invalid. Please check the API reference.", { param: null }),
    );
    const error = await caught(embedder().embed(['a', 'b']));
    expect(error.code).toBe(ErrorCode.InputRejected);
    expect((error as InputRejectedError).inputIndex).toBeUndefined();
  });

  it('turns 401 into a fatal error whose message and cause carry no key', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIError(
        401,
        `Incorrect API key provided: ${secretKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        { code: 'invalid_api_key' },
      ),
    );
    const error = await caught(embedder().embed(['x']));
    expect(error.code).toBe(ErrorCode.Fatal);
    expect(error.message).toContain('OPENAI_API_KEY');
    const everything = `${error.message} ${error.stack} ${String(error.cause)} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(secretKey);
    expect(everything).not.toContain('sk-test');
  });

  it('turns 403 and an unknown model (404) into fatal errors', async () => {
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIError(403, 'Project does not have access to model', { code: 'model_not_found' }),
    );
    expect((await caught(embedder().embed(['x']))).code).toBe(ErrorCode.Fatal);
    server.setRoute(
      openAIEmbeddingsRoute,
      openAIError(404, 'The model `text-embedding-4` does not exist', { code: 'model_not_found' }),
    );
    const error = await caught(embedder({ model: 'text-embedding-4', dimensions: 8 }).embed(['x']));
    expect(error.code).toBe(ErrorCode.Fatal);
    expect(error.message).toContain('model not found');
  });

  it('turns an aborted call into AbortedError', async () => {
    server.setRoute(openAIEmbeddingsRoute, { delayMs: 2000, body: {} });
    const controller = new AbortController();
    const pending = embedder().embed(['x'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await caught(pending)).code).toBe(ErrorCode.Aborted);
  });
});
