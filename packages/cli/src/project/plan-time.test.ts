import { describe, expect, it } from 'vitest';
import { embedTime, formatDuration } from './plan-time.js';

const limits = {
  maxInputsPerCall: 100,
  maxTokensPerInput: 8192,
  maxTokensPerCall: 300_000,
  maxConcurrentCalls: 8,
};

describe('embedTime', () => {
  it('paces by the declared limit that binds: tokens or calls per minute', () => {
    const declared = { ...limits, tokensPerMinute: 1_000_000, requestsPerMinute: 3_000 };
    expect(embedTime(declared, { rows: 1_000, tokens: 5_000_000 })).toEqual({
      seconds: 300,
      limit: '1,000,000 tokens/min',
    });
    // 60,000 calls of 100 short texts: the calls per minute bind.
    expect(embedTime(declared, { rows: 6_000_000, tokens: 6_000_000 })).toEqual({
      seconds: 1_200,
      limit: '3,000 calls/min',
    });
  });

  it('says nothing when the provider declares no rate or there is nothing to embed', () => {
    expect(embedTime(limits, { rows: 10, tokens: 100 })).toBeUndefined();
    expect(embedTime({ ...limits, tokensPerMinute: 10 }, { rows: 0, tokens: 0 })).toBeUndefined();
  });

  it('formats seconds, minutes and hours', () => {
    expect([
      formatDuration(0.42),
      formatDuration(42),
      formatDuration(300),
      formatDuration(9000),
    ]).toEqual(['0.4 s', '42 s', '5.0 min', '2.5 h']);
  });
});
