import { apportionTokens as apportion } from '@drift-spark/core/internal';
import { fakeVector, float32ToBase64 } from '@drift-spark/provider-test-server';
import { describe, expect, it } from 'vitest';
import { decodeBase64Float32 } from './openai-base64.js';
import { parseResetDuration, retryAfterMsFromHeaders } from './openai-errors.js';

describe('decodeBase64Float32', () => {
  it('gives back every float32 bit for bit, edge values included', () => {
    const values = new Float32Array([
      0,
      -0,
      1,
      -1,
      3.4028234663852886e38,
      1.401298464324817e-45,
      Number.POSITIVE_INFINITY,
      0.1,
      -123.456,
    ]);
    const decoded = decodeBase64Float32(float32ToBase64(values));
    expect(new Uint8Array(decoded.buffer)).toEqual(new Uint8Array(values.buffer));
    expect(Object.is(decoded[1], -0)).toBe(true);
  });

  it('decodes a 3072-dimension vector into its own aligned buffer', () => {
    const vector = fakeVector('hello', 3072);
    const decoded = decodeBase64Float32(float32ToBase64(vector));
    expect(decoded.byteOffset).toBe(0);
    expect(Array.from(decoded)).toEqual(Array.from(vector));
  });

  it('refuses a length that is not whole floats', () => {
    expect(() => decodeBase64Float32(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(
      RangeError,
    );
  });
});

describe('rate-limit headers', () => {
  it('parses OpenAI reset durations', () => {
    expect(parseResetDuration('20ms')).toBe(20);
    expect(parseResetDuration('1s')).toBe(1000);
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('2')).toBe(2000);
  });

  it('waits for the budget that ran out', () => {
    const requestsOut = {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-remaining-tokens': '5000',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-reset-tokens': '30s',
    };
    expect(retryAfterMsFromHeaders(requestsOut)).toBe(2000);
    const tokensShort = {
      'x-ratelimit-remaining-requests': '7',
      'x-ratelimit-remaining-tokens': '12',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-reset-tokens': '450ms',
    };
    expect(retryAfterMsFromHeaders(tokensShort)).toBe(450);
    expect(
      retryAfterMsFromHeaders({ 'retry-after-ms': '10', 'x-ratelimit-reset-tokens': '30s' }),
    ).toBe(10);
    expect(
      retryAfterMsFromHeaders(
        new Headers({ 'retry-after': 'Thu, 01 Jan 1970 00:00:05 GMT' }),
        () => 1000,
      ),
    ).toBe(4000);
    expect(retryAfterMsFromHeaders({})).toBeUndefined();
  });
});

describe('apportionTokens, as the embedder splits usage', () => {
  it('splits a total by weights into integers that add up to it', () => {
    expect(apportion(10, [1, 1, 2])).toEqual([3, 2, 5]);
    const parts = apportion(101, [3, 7, 11, 13]);
    expect(parts.reduce((sum, part) => sum + part, 0)).toBe(101);
    expect(apportion(5, [0, 0])).toEqual([3, 2]);
    expect(apportion(0, [4, 5])).toEqual([0, 0]);
  });
});
