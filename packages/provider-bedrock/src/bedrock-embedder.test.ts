import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ErrorCode, type InputRejectedError } from '@drift-spark/core';
import { caughtDriftError } from '@drift-spark/core/testkit';
import {
  bedrockEmbeddingsHandler,
  bedrockError,
  bedrockInvokeRoute,
  bedrockModelOf,
  fakeVector,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BedrockEmbedderOptions, createBedrockEmbedder } from './bedrock-embedder.js';

const fakeCredentials = {
  accessKeyId: 'AKIAFAKEFAKEFAKE1234',
  secretAccessKey: 'fake-secret-access-key-0123456789',
};
let server: TestServer;

beforeEach(async () => {
  server = await startTestServer(
    { [bedrockInvokeRoute]: bedrockEmbeddingsHandler() },
    { http2: true },
  );
});
afterEach(async () => {
  await server.close();
});

function realClient(timeoutMs = 5_000): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: fakeCredentials,
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeoutMs },
  });
}

function embedder(options: Partial<BedrockEmbedderOptions> = {}) {
  return createBedrockEmbedder({
    model: 'bedrock/amazon.titan-embed-text-v2:0',
    client: realClient(),
    ...options,
  });
}

const sent = (index = 0) => server.requests[index]?.json as Record<string, unknown>;

describe('Titan Text Embeddings v2', () => {
  it('sends one text with dimensions and normalize, signed, and reads the vector and token count', async () => {
    const model = embedder({ dimensions: 512 });
    const result = await model.embed(['The quick brown fox']);
    expect(bedrockModelOf(server.requests[0]!)).toBe('amazon.titan-embed-text-v2:0');
    expect(sent()).toEqual({ inputText: 'The quick brown fox', dimensions: 512, normalize: true });
    expect(server.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAFAKE/,
    );
    expect(Array.from(result.vectors[0]!)).toEqual(
      Array.from(fakeVector('The quick brown fox', 512)),
    );
    expect(result.tokens).toBe(4);
    expect(result.tokensPerInput).toEqual([4]);
    expect(model.fingerprint).toBe('bedrock/amazon.titan-embed-text-v2:0@512;normalize=true');
    expect(embedder({ normalize: false }).fingerprint).toBe(
      'bedrock/amazon.titan-embed-text-v2:0@1024;normalize=false',
    );
  });

  it('declares one input per call and throws LimitExceededError for more, without calling', async () => {
    const model = embedder();
    expect(model.limits).toMatchObject({ maxInputsPerCall: 1, maxTokensPerInput: 8192 });
    expect(model.limits.maxConcurrentCalls).toBeGreaterThan(1);
    expect((await caughtDriftError(model.embed(['a', 'b']))).code).toBe(ErrorCode.LimitExceeded);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses dimensions Titan does not have, at use and not at construction', async () => {
    const model = embedder({ dimensions: 768 });
    expect((await caughtDriftError(model.embed(['a']))).code).toBe(ErrorCode.Fatal);
  });

  it('cuts a text over 50 000 characters and reports it', async () => {
    const result = await embedder().embed(['x'.repeat(60_000)]);
    expect((sent().inputText as string).length).toBe(50_000);
    expect(result.truncated).toBe(1);
  });

  it('never sends an empty input', async () => {
    expect((await caughtDriftError(embedder().embed(['']))).code).toBe(ErrorCode.InvalidInput);
    expect(server.requests).toHaveLength(0);
  });
});

describe('Cohere Embed v3', () => {
  it('sends up to 96 texts with input_type search_document and bills the token-count header', async () => {
    const model = embedder({ model: 'bedrock/cohere.embed-english-v3' });
    const texts = ['first text here', 'second', 'a third one'];
    const result = await model.embed(texts);
    expect(bedrockModelOf(server.requests[0]!)).toBe('cohere.embed-english-v3');
    expect(sent()).toEqual({ texts, input_type: 'search_document', truncate: 'END' });
    for (const [index, text] of texts.entries()) {
      expect(Array.from(result.vectors[index]!)).toEqual(Array.from(fakeVector(text, 1024)));
    }
    // The fake server counts one token per word and reports it in x-amzn-bedrock-input-token-count.
    expect(result.tokens).toBe(7);
    expect(result.tokensPerInput?.reduce((sum, count) => sum + count, 0)).toBe(7);
    expect(model.fingerprint).toBe(
      'bedrock/cohere.embed-english-v3@1024;input_type=search_document',
    );
    expect(model.limits).toMatchObject({ maxInputsPerCall: 96, maxTokensPerInput: 512 });
  });

  it('estimates tokens when the header is missing, and sends truncate NONE with overlong reject', async () => {
    server.setRoute(bedrockInvokeRoute, bedrockEmbeddingsHandler({ tokenCountHeader: false }));
    const model = embedder({
      model: 'cohere.embed-multilingual-v3',
      inputType: 'search_query',
      overlong: 'reject',
    });
    const result = await model.embed(['hello world', '漢字']);
    expect(sent()).toEqual({
      texts: ['hello world', '漢字'],
      input_type: 'search_query',
      truncate: 'NONE',
    });
    expect(result.tokens).toBe(model.countTokens('hello world') + model.countTokens('漢字'));
  });

  it('throws LimitExceededError beyond 96 texts', async () => {
    const model = embedder({ model: 'cohere.embed-english-v3' });
    expect(
      (await caughtDriftError(model.embed(Array.from({ length: 97 }, (_, index) => `t${index}`))))
        .code,
    ).toBe(ErrorCode.LimitExceeded);
    expect(server.requests).toHaveLength(0);
  });
});

describe('Bedrock errors, one request each (SDK retries off)', () => {
  it('turns ThrottlingException into RateLimitedError, then the next call succeeds', async () => {
    server.setRoute(bedrockInvokeRoute, (request, context) =>
      context.callIndex === 0
        ? bedrockError(
            429,
            'ThrottlingException',
            'Too many requests, please wait before trying again.',
          )
        : bedrockEmbeddingsHandler()(request, context),
    );
    const model = embedder();
    const error = await caughtDriftError(model.embed(['x']));
    expect(error.code).toBe(ErrorCode.RateLimited);
    expect(error.isRetryable).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect((await model.embed(['x'])).vectors).toHaveLength(1);
  });

  it('turns ServiceUnavailable, InternalServer and ModelTimeout into transient errors', async () => {
    for (const [status, type] of [
      [503, 'ServiceUnavailableException'],
      [500, 'InternalServerException'],
      [408, 'ModelTimeoutException'],
    ] as const) {
      server.setRoute(bedrockInvokeRoute, bedrockError(status, type, 'try later'));
      expect((await caughtDriftError(embedder().embed(['x']))).code).toBe(ErrorCode.Transient);
    }
    expect(server.requests).toHaveLength(3);
  });

  it('turns a slow answer and a dropped connection into transient errors', async () => {
    server.setRoute(bedrockInvokeRoute, { delayMs: 2000, body: {} });
    expect((await caughtDriftError(embedder({ client: realClient(100) }).embed(['x']))).code).toBe(
      ErrorCode.Transient,
    );
    server.setRoute(bedrockInvokeRoute, { destroy: true });
    expect((await caughtDriftError(embedder().embed(['x']))).code).toBe(ErrorCode.Transient);
  });

  it('turns ValidationException into InputRejectedError (input 0 for a one-text call, unknown for Cohere)', async () => {
    server.setRoute(
      bedrockInvokeRoute,
      bedrockEmbeddingsHandler({
        reject: (text) => (text === 'bad' ? 'Malformed input request: bad text' : undefined),
      }),
    );
    const titan = await caughtDriftError<InputRejectedError>(embedder().embed(['bad']));
    expect(titan.code).toBe(ErrorCode.InputRejected);
    expect(titan.inputIndex).toBe(0);
    const cohere = await caughtDriftError<InputRejectedError>(
      embedder({ model: 'cohere.embed-english-v3' }).embed(['good', 'bad']),
    );
    expect(cohere.code).toBe(ErrorCode.InputRejected);
    expect(cohere.inputIndex).toBeUndefined();
  });

  it('turns AccessDenied and UnrecognizedClient into fatal errors that carry no credential', async () => {
    server.setRoute(
      bedrockInvokeRoute,
      bedrockError(
        403,
        'AccessDeniedException',
        "You don't have access to the model with the specified model ID.",
      ),
    );
    expect((await caughtDriftError(embedder().embed(['x']))).code).toBe(ErrorCode.Fatal);
    server.setRoute(
      bedrockInvokeRoute,
      bedrockError(
        403,
        'UnrecognizedClientException',
        `The security token included in the request is invalid. Credential=${fakeCredentials.accessKeyId}/20261126/us-east-1`,
      ),
    );
    const error = await caughtDriftError(embedder().embed(['x']));
    expect(error.code).toBe(ErrorCode.Fatal);
    expect(error.message).toContain('credentials');
    const everything = `${error.message} ${error.stack} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(fakeCredentials.accessKeyId);
    expect(everything).not.toContain(fakeCredentials.secretAccessKey);
  });

  it('builds its own client lazily from the AWS default chain, with one attempt per call', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    const model = createBedrockEmbedder({
      model: 'amazon.titan-embed-text-v2:0',
      region: 'us-east-1',
      endpoint: server.url,
    });
    process.env.AWS_ACCESS_KEY_ID = fakeCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = fakeCredentials.secretAccessKey;
    try {
      server.setRoute(bedrockInvokeRoute, bedrockError(500, 'InternalServerException', 'boom'));
      expect((await caughtDriftError(model.embed(['x']))).code).toBe(ErrorCode.Transient);
      expect(server.requests).toHaveLength(1);
      server.setRoute(bedrockInvokeRoute, bedrockEmbeddingsHandler());
      expect((await model.embed(['x'])).vectors[0]).toHaveLength(1024);
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('declares dated prices, overridable', () => {
    expect(embedder().price.usdPerMillionTokens).toBe(0.02);
    expect(embedder().price.source).toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(embedder({ model: 'cohere.embed-english-v3' }).price.usdPerMillionTokens).toBe(0.1);
    expect(embedder({ price: 0.03 }).price).toEqual({ usdPerMillionTokens: 0.03, source: 'user' });
  });
});
