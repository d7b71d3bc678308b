import { ErrorCode, type InputRejectedError } from '@drift-spark/core';
import { caughtDriftError } from '@drift-spark/core/testkit';
import {
  fakeVector,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
} from '@drift-spark/provider-test-server';
import { describe, expect, it } from 'vitest';
import { createOpenAIEmbedder } from './openai-embedder.js';
import { encodeTokens } from './openai-tokenizer.js';
import { embedder, secretKey, sent, server } from './testing/openai-test-setup.js';

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
    expect(server().requests[0]?.headers.authorization).toBe(`Bearer ${secretKey}`);
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
    server().setRoute(
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
    server().setRoute(openAIEmbeddingsRoute, openAIEmbeddingsHandler({ countTokens: () => 7 }));
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
    expect((await caughtDriftError(unknown.embed(['x']))).code).toBe(ErrorCode.Fatal);
    expect(server().requests).toHaveLength(0);
    const result = await embedder({ model: 'nomic-embed-text', dimensions: 1536 }).embed(['x']);
    expect(sent()).toEqual({ model: 'nomic-embed-text', input: ['x'], encoding_format: 'base64' });
    expect(result.vectors[0]).toHaveLength(1536);
  });

  it('refuses vectors of another length than declared', async () => {
    const error = await caughtDriftError(
      embedder({ model: 'my-model', dimensions: 768 }).embed(['x']),
    );
    expect(error.code).toBe(ErrorCode.Fatal);
    expect(error.message).toContain('1536');
  });

  it('reads OPENAI_API_KEY and OPENAI_BASE_URL at the first call, not at construction', async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      const model = createOpenAIEmbedder({ model: 'text-embedding-3-small' });
      const missing = await caughtDriftError(model.embed(['x']));
      expect(missing.code).toBe(ErrorCode.Fatal);
      expect(missing.message).toContain('OPENAI_API_KEY');
      expect(missing.message).toContain('--shadow-mode');
      process.env.OPENAI_API_KEY = secretKey;
      process.env.OPENAI_BASE_URL = `${server().url}/v1`;
      const result = await model.embed(['x']);
      expect(result.vectors).toHaveLength(1);
      expect(server().requests).toHaveLength(1);
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
    const error = await caughtDriftError<InputRejectedError>(
      embedder({ overlong: 'reject' }).embed(['short', longText]),
    );
    expect(error.code).toBe(ErrorCode.InputRejected);
    expect(error.inputIndex).toBe(1);
    expect(server().requests).toHaveLength(0);
  });

  it('never sends an empty input', async () => {
    const error = await caughtDriftError(embedder().embed(['a', '']));
    expect(error.code).toBe(ErrorCode.InvalidInput);
    expect(server().requests).toHaveLength(0);
  });

  it('throws LimitExceededError beyond 2048 inputs instead of splitting', async () => {
    const error = await caughtDriftError(
      embedder().embed(Array.from({ length: 2049 }, (_, index) => `text ${index}`)),
    );
    expect(error.code).toBe(ErrorCode.LimitExceeded);
    expect(server().requests).toHaveLength(0);
  });

  it("counts tokens at least as OpenAI's per-request estimate does, and refuses calls over 300k of them", async () => {
    const model = embedder();
    const text = 'lorem ipsum '.repeat(2700); // 32 400 bytes: estimate 8100, real tokens fewer
    expect(model.countTokens(text)).toBe(8100);
    expect(model.countTokens(text)).toBeGreaterThanOrEqual(encodeTokens(text).length);
    const cjk = '漢字仮名交じり文'.repeat(100);
    expect(model.countTokens(cjk)).toBeGreaterThanOrEqual(encodeTokens(cjk).length);
    expect(model.countTokens(cjk)).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength(cjk) / 4));
    const error = await caughtDriftError(
      model.embed(Array.from({ length: 38 }, (_, index) => `${index} ${text}`)),
    );
    expect(error.code).toBe(ErrorCode.LimitExceeded);
    expect(server().requests).toHaveLength(0);
    await model.embed(Array.from({ length: 37 }, (_, index) => `${index} ${text}`));
    expect(server().requests).toHaveLength(1);
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
