import { connect } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeVector, float32ToBase64 } from './fake-vector.js';
import {
  formatResetDuration,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
} from './openai-wire.js';
import { startTestServer, type TestServer } from './test-server.js';
import { rateLimitedRoute, TokenBucket } from './token-bucket.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('startTestServer', () => {
  it('records requests and answers a list of responses in turn, repeating the last', async () => {
    server = await startTestServer({
      'POST /x': [
        { status: 429, body: { n: 1 } },
        { status: 200, body: { n: 2 } },
      ],
    });
    const statuses = [];
    for (let index = 0; index < 3; index++)
      statuses.push((await post(`${server.url}/x`, { index })).status);
    expect(statuses).toEqual([429, 200, 200]);
    expect(server.requestsTo('POST /x').map((request) => request.json)).toEqual([
      { index: 0 },
      { index: 1 },
      { index: 2 },
    ]);
  });

  it('matches prefix routes on the decoded path and answers 404 otherwise', async () => {
    server = await startTestServer({ 'POST /model/*': { body: { ok: true } } });
    expect(
      (await post(`${server.url}/model/amazon.titan-embed-text-v2%3A0/invoke`, {})).status,
    ).toBe(200);
    expect(server.requests[0]?.path).toBe('/model/amazon.titan-embed-text-v2:0/invoke');
    expect((await post(`${server.url}/other`, {})).status).toBe(404);
  });

  it('speaks HTTP/2 without TLS when asked (the AWS SDK Bedrock client does)', async () => {
    server = await startTestServer(
      { 'POST /h2': { status: 201, body: { ok: true } } },
      { http2: true },
    );
    const session = connect(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/h2',
        'content-type': 'application/json',
      });
      stream.on('response', (headers) => resolve(Number(headers[':status'])));
      stream.on('error', reject);
      stream.end(JSON.stringify({ hello: 'h2' }));
    });
    session.close();
    expect(status).toBe(201);
    expect(server.requests[0]?.json).toEqual({ hello: 'h2' });
  });

  it('speaks OpenAI embeddings with base64 vectors that decode to the fake vector', async () => {
    server = await startTestServer({ [openAIEmbeddingsRoute]: openAIEmbeddingsHandler() });
    const { json } = await post(`${server.url}/v1/embeddings`, {
      model: 'm',
      input: ['hello', 'world'],
      encoding_format: 'base64',
      dimensions: 8,
    });
    const body = json as { data: { embedding: string }[]; usage: { prompt_tokens: number } };
    expect(body.data[1]?.embedding).toBe(float32ToBase64(fakeVector('world', 8)));
    expect(body.usage.prompt_tokens).toBe(4);
  });
});

describe('TokenBucket', () => {
  it('refuses when the minute budget is spent and says when it refills', () => {
    let now = 0;
    const bucket = new TokenBucket({
      tokensPerMinute: 600,
      requestsPerMinute: 100,
      now: () => now,
    });
    expect(bucket.take(600).allowed).toBe(true);
    const verdict = bucket.take(60);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.resetTokensMs).toBeCloseTo(6000);
    now = 6000;
    expect(bucket.take(60).allowed).toBe(true);
    expect(bucket.acceptedTokens).toBe(660);
    expect(bucket.refusedRequests).toBe(1);
  });

  it('answers 429 with reset headers when the budget is short, and sends the budget on success', async () => {
    let now = 0;
    const bucket = new TokenBucket({ tokensPerMinute: 100, requestsPerMinute: 10, now: () => now });
    server = await startTestServer({
      [openAIEmbeddingsRoute]: rateLimitedRoute(
        bucket,
        openAIEmbeddingsHandler({ defaultDimensions: 4 }),
        { tokensOf: () => 60 },
      ),
    });
    const first = await fetch(`${server.url}/v1/embeddings`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', input: ['x'] }),
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe('40');
    const second = await fetch(`${server.url}/v1/embeddings`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', input: ['x'] }),
    });
    expect(second.status).toBe(429);
    expect(second.headers.get('x-ratelimit-reset-tokens')).toBe('12s');
    now = 12_000;
    expect(
      (
        await fetch(`${server.url}/v1/embeddings`, {
          method: 'POST',
          body: JSON.stringify({ model: 'm', input: ['x'] }),
        })
      ).status,
    ).toBe(200);
  });

  it('formats reset durations as OpenAI does', () => {
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(1500)).toBe('1.5s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
  });
});
