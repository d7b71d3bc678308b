import { expect } from 'vitest';
import type { Embedder } from '../spec/embedder-v1.js';
import { cosine, hasCode } from './testkit-helpers.js';

/** What the embedder rules work with. */
export interface EmbedderHarness {
  create: () => Promise<Embedder> | Embedder;
  /** The dimension it must declare, when the test knows it. */
  dimensions?: number;
  deterministic: boolean;
  normalized: boolean;
  texts: string[];
}

/** One rule of the embedder contract. */
export interface EmbedderRule {
  name: string;
  /** Runs only when the harness says the embedder is deterministic. */
  needsDeterministic?: boolean;
  run(harness: EmbedderHarness): Promise<void>;
}

const limitNames = [
  'maxInputsPerCall',
  'maxTokensPerInput',
  'maxTokensPerCall',
  'maxConcurrentCalls',
] as const;

/** The same vectors, to within what a remote model's noise allows. */
function expectSameVectors(actual: Float32Array[], expected: Float32Array[], what: string): void {
  expect(actual, what).toHaveLength(expected.length);
  for (let index = 0; index < expected.length; index++)
    expect(cosine(actual[index]!, expected[index]!), `${what}: input ${index}`).toBeGreaterThan(
      0.99,
    );
}

export const embedderRules: EmbedderRule[] = [
  {
    name: 'declares specification v1, an id, a dimension, a fingerprint and a price',
    async run(h) {
      const embedder = await h.create();
      expect(embedder.specificationVersion).toBe('v1');
      expect(embedder.id).toMatch(/^[^\s/]+\/\S+$/);
      expect(Number.isInteger(embedder.dimensions)).toBe(true);
      expect(embedder.dimensions).toBeGreaterThan(0);
      if (h.dimensions !== undefined) expect(embedder.dimensions).toBe(h.dimensions);
      expect(typeof embedder.fingerprint).toBe('string');
      expect(embedder.fingerprint).toContain(String(embedder.dimensions));
      expect(Number.isFinite(embedder.price.usdPerMillionTokens)).toBe(true);
      expect(embedder.price.usdPerMillionTokens).toBeGreaterThanOrEqual(0);
      expect(embedder.price.source.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'declares limits as positive integers',
    async run(h) {
      const { limits } = await h.create();
      for (const name of limitNames) {
        expect(Number.isInteger(limits[name]), name).toBe(true);
        expect(limits[name], name).toBeGreaterThan(0);
      }
      expect(limits.maxTokensPerCall).toBeGreaterThanOrEqual(limits.maxTokensPerInput);
    },
  },
  {
    name: 'returns one vector of the declared dimension per input, in input order',
    async run(h) {
      const embedder = await h.create();
      const result = await embedder.embed(h.texts);
      expect(result.vectors).toHaveLength(h.texts.length);
      for (const vector of result.vectors) {
        expect(vector).toBeInstanceOf(Float32Array);
        expect(vector).toHaveLength(embedder.dimensions);
        expect(vector.every((value) => Number.isFinite(value))).toBe(true);
        const norm = Math.sqrt(vector.reduce((total, value) => total + value * value, 0));
        if (h.normalized) expect(norm).toBeCloseTo(1, 3);
        else expect(norm).toBeGreaterThan(0);
      }
      expect(Number.isFinite(result.tokens)).toBe(true);
      expect(result.tokens).toBeGreaterThan(0);
      if (result.tokensPerInput) {
        expect(result.tokensPerInput).toHaveLength(h.texts.length);
        expect(result.tokensPerInput.reduce((total, tokens) => total + tokens, 0)).toBe(
          result.tokens,
        );
      }
      // Order: each input's vector is the one it gets in the reversed batch, and alone.
      const reversed = await embedder.embed([...h.texts].reverse());
      expectSameVectors(reversed.vectors.reverse(), result.vectors, 'the reversed batch');
      const alone = await embedder.embed([h.texts[0]!]);
      expectSameVectors(alone.vectors, [result.vectors[0]!], 'the first input alone');
    },
  },
  {
    name: 'hands out vectors of its own: changing one changes no other, nor a later call',
    async run(h) {
      const embedder = await h.create();
      // The same text twice in one call, where the embedder takes three inputs.
      const texts =
        embedder.limits.maxInputsPerCall >= 3
          ? [h.texts[0]!, h.texts[1] ?? h.texts[0]!, h.texts[0]!]
          : [h.texts[0]!];
      const first = await embedder.embed(texts);
      const before = first.vectors.map((vector) => new Float32Array(vector));
      first.vectors[0]!.fill(0.5);
      expectSameVectors(first.vectors.slice(1), before.slice(1), 'the other vectors of the call');
      const again = await embedder.embed(texts);
      expectSameVectors(again.vectors, before, 'a later call');
    },
  },
  {
    name: 'gives the same vector for the same text, every time',
    needsDeterministic: true,
    async run(h) {
      const first = await (await h.create()).embed(h.texts);
      const second = await (await h.create()).embed(h.texts);
      for (let index = 0; index < h.texts.length; index++) {
        expect(Array.from(second.vectors[index]!)).toEqual(Array.from(first.vectors[index]!));
      }
    },
  },
  {
    name: 'counts at least one token for any non-empty text',
    async run(h) {
      const embedder = await h.create();
      for (const text of [...h.texts, 'x', ' ', 'word '.repeat(200)]) {
        const tokens = embedder.countTokens(text);
        expect(Number.isInteger(tokens), JSON.stringify(text.slice(0, 20))).toBe(true);
        expect(tokens).toBeGreaterThanOrEqual(1);
      }
      expect(embedder.countTokens('word '.repeat(200))).toBeGreaterThan(
        embedder.countTokens('word'),
      );
    },
  },
  {
    name: 'embeds no texts into no vectors, and refuses an empty text with invalid-input',
    async run(h) {
      const embedder = await h.create();
      const none = await embedder.embed([]);
      expect(none.vectors).toEqual([]);
      expect(none.tokens).toBe(0);
      const withEmpty = embedder.limits.maxInputsPerCall >= 2 ? [h.texts[0]!, ''] : [''];
      await expect(embedder.embed(withEmpty)).rejects.toSatisfy(hasCode('invalid-input'));
    },
  },
  {
    name: 'refuses more inputs than maxInputsPerCall with a limit-exceeded error',
    async run(h) {
      const embedder = await h.create();
      const tooMany = Array.from(
        { length: embedder.limits.maxInputsPerCall + 1 },
        (_, index) => `t${index}`,
      );
      await expect(embedder.embed(tooMany)).rejects.toSatisfy(hasCode('limit-exceeded'));
    },
  },
  {
    name: 'honours an aborted signal with an aborted error',
    async run(h) {
      const embedder = await h.create();
      const controller = new AbortController();
      controller.abort();
      await expect(
        embedder.embed(h.texts.slice(0, 1), { signal: controller.signal }),
      ).rejects.toSatisfy(hasCode('aborted'));
    },
  },
  {
    name: 'ends a call aborted mid-way with an aborted error or its result, and works on',
    async run(h) {
      const embedder = await h.create();
      const controller = new AbortController();
      const call = embedder.embed(h.texts, { signal: controller.signal });
      setTimeout(() => controller.abort(), 0);
      const outcome = await call.then(
        (result) => result,
        (error: unknown) => error,
      );
      if (outcome instanceof Error) expect(outcome).toSatisfy(hasCode('aborted'));
      else expect((outcome as { vectors: unknown[] }).vectors).toHaveLength(h.texts.length);
      expect((await embedder.embed(h.texts)).vectors).toHaveLength(h.texts.length);
    },
  },
];
