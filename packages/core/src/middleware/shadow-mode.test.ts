import { describe, expect, it } from 'vitest';
import { createShadowEmbedder } from '../shadow/shadow-embedder.js';
import type { Embedder } from '../spec/embedder-v1.js';
import { wrapEmbedder } from './embedder-middleware.js';
import { shadowMode } from './shadow-mode.js';

function fakeProvider(): Embedder & { calls: number; lastTexts: string[] } {
  const provider = {
    specificationVersion: 'v1' as const,
    id: 'acme/embed-1',
    dimensions: 16,
    fingerprint: 'acme/embed-1@16;input_type=doc',
    limits: {
      maxInputsPerCall: 4,
      maxTokensPerInput: 100,
      maxTokensPerCall: 200,
      maxConcurrentCalls: 2,
    },
    price: { usdPerMillionTokens: 0.1, source: 'acme' },
    calls: 0,
    lastTexts: [] as string[],
    countTokens: (text: string) => text.length,
    async embed(texts: string[]) {
      provider.calls++;
      provider.lastTexts = texts;
      return { vectors: texts.map(() => new Float32Array(16)), tokens: 1 };
    },
  };
  return provider;
}

describe('shadow mode', () => {
  it('keeps the real identity and limits, never calls the provider, costs $0', async () => {
    const provider = fakeProvider();
    const shadow = shadowMode(provider);
    expect(shadow.id).toBe('acme/embed-1');
    expect(shadow.dimensions).toBe(16);
    expect(shadow.limits).toEqual(provider.limits);
    expect(shadow.price).toEqual({ usdPerMillionTokens: 0, source: 'shadow' });
    expect(shadow.fingerprint).toBe('shadow:acme/embed-1@16');
    const { vectors, tokens } = await shadow.embed(['hello', 'world!']);
    expect(provider.calls).toBe(0);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toHaveLength(16);
    expect(tokens).toBe(11); // the provider's own token count
    const direct = await createShadowEmbedder({ model: 'acme/embed-1', dimensions: 16 }).embed([
      'hello',
    ]);
    expect(Array.from(vectors[0]!)).toEqual(Array.from(direct.vectors[0]!));
    await expect(shadow.embed(['a', 'b', 'c', 'd', 'e'])).rejects.toThrow(/at most 4/);
  });
});

describe('wrapEmbedder', () => {
  it('applies middleware outermost first and passes calls through', async () => {
    const provider = fakeProvider();
    const order: string[] = [];
    const wrapped = wrapEmbedder({
      embedder: provider,
      middleware: [
        {
          wrapEmbed: async ({ doEmbed }) => {
            order.push('outer');
            return doEmbed();
          },
        },
        {
          overrideId: ({ embedder }) => `${embedder.id}+cache`,
          wrapEmbed: async ({ doEmbed, texts }) => {
            order.push('inner');
            return doEmbed(texts.map((text) => text.trim()));
          },
        },
      ],
    });
    expect(wrapped.id).toBe('acme/embed-1+cache');
    expect(wrapped.dimensions).toBe(16);
    await wrapped.embed([' a ']);
    expect(order).toEqual(['outer', 'inner']);
    expect(provider.calls).toBe(1);
    expect(provider.lastTexts).toEqual(['a']);
  });
});
