import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import type { Embedder } from '../spec/embedder-v1.js';
import { cosine } from './testkit-helpers.js';

export interface TestEmbedderOptions {
  /** The embedder under test (against its real API or a local fake of its wire format). */
  create: () => Promise<Embedder> | Embedder;
  /** The dimension it must declare and return. */
  dimensions?: number;
  /** Whether the same text always gives the same vector; tested when true. Default false. */
  deterministic?: boolean;
  /** Whether vectors are unit length (±1e-3); tested when true. Default true. */
  normalized?: boolean;
  /** Texts to embed; default a few short, long-ish and non-Latin texts. */
  texts?: string[];
  /** Per-test timeout; default 30 s. */
  timeoutMs?: number;
  /** Suite title; default `embedder conformance`. */
  title?: string;
}

const defaultTexts = [
  'The quick brown fox jumps over the lazy dog.',
  'Delta tables keep a log of every commit.',
  'Grüße aus München — 東京の天気は晴れ 🌤',
  'a',
];

/**
 * Registers the Embedder conformance suite (vitest `describe`/`it`): declared
 * dimension, limits and price; one vector of the right length per input, in order;
 * determinism when declared; token counts; a limit-exceeded error for a call over
 * `maxInputsPerCall`; an aborted signal honoured.
 */
export function testEmbedder(options: TestEmbedderOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const texts = options.texts ?? defaultTexts;
  const normalized = options.normalized ?? true;
  const hasCode = (code: string) => (error: unknown) => DriftError.hasCode(error, code);

  describe(options.title ?? 'embedder conformance', () => {
    it(
      'declares specification v1, an id, a dimension, a fingerprint and a price',
      async () => {
        const embedder = await options.create();
        expect(embedder.specificationVersion).toBe('v1');
        expect(embedder.id).toMatch(/^[^\s/]+\/\S+$/);
        expect(Number.isInteger(embedder.dimensions)).toBe(true);
        expect(embedder.dimensions).toBeGreaterThan(0);
        if (options.dimensions !== undefined) expect(embedder.dimensions).toBe(options.dimensions);
        expect(typeof embedder.fingerprint).toBe('string');
        expect(embedder.fingerprint).toContain(String(embedder.dimensions));
        expect(Number.isFinite(embedder.price.usdPerMillionTokens)).toBe(true);
        expect(embedder.price.usdPerMillionTokens).toBeGreaterThanOrEqual(0);
        expect(embedder.price.source.length).toBeGreaterThan(0);
      },
      timeout,
    );

    it(
      'declares limits as positive integers',
      async () => {
        const { limits } = await options.create();
        for (const name of [
          'maxInputsPerCall',
          'maxTokensPerInput',
          'maxTokensPerCall',
          'maxConcurrentCalls',
        ] as const) {
          expect(Number.isInteger(limits[name]), name).toBe(true);
          expect(limits[name], name).toBeGreaterThan(0);
        }
        expect(limits.maxTokensPerCall).toBeGreaterThanOrEqual(limits.maxTokensPerInput);
      },
      timeout,
    );

    it(
      'returns one vector of the declared dimension per input, in input order',
      async () => {
        const embedder = await options.create();
        const result = await embedder.embed(texts);
        expect(result.vectors).toHaveLength(texts.length);
        for (const vector of result.vectors) {
          expect(vector).toBeInstanceOf(Float32Array);
          expect(vector).toHaveLength(embedder.dimensions);
          expect(vector.every((value) => Number.isFinite(value))).toBe(true);
          const norm = Math.sqrt(vector.reduce((total, value) => total + value * value, 0));
          if (normalized) expect(norm).toBeCloseTo(1, 3);
          else expect(norm).toBeGreaterThan(0);
        }
        expect(Number.isFinite(result.tokens)).toBe(true);
        expect(result.tokens).toBeGreaterThan(0);
        if (result.tokensPerInput) {
          expect(result.tokensPerInput).toHaveLength(texts.length);
          expect(result.tokensPerInput.reduce((total, tokens) => total + tokens, 0)).toBe(
            result.tokens,
          );
        }
        // Order: each input's vector is the one it gets alone.
        const reversed = await embedder.embed([...texts].reverse());
        for (let index = 0; index < texts.length; index++) {
          const alone = reversed.vectors[texts.length - 1 - index]!;
          expect(cosine(result.vectors[index]!, alone), `input ${index}`).toBeGreaterThan(0.99);
        }
      },
      timeout,
    );

    if (options.deterministic) {
      it(
        'gives the same vector for the same text, every time',
        async () => {
          const embedder = await options.create();
          const first = await embedder.embed(texts);
          const second = await (await options.create()).embed(texts);
          for (let index = 0; index < texts.length; index++) {
            expect(Array.from(second.vectors[index]!)).toEqual(Array.from(first.vectors[index]!));
          }
        },
        timeout,
      );
    }

    it(
      'counts at least one token for any non-empty text',
      async () => {
        const embedder = await options.create();
        for (const text of [...texts, 'x', ' ', 'word '.repeat(200)]) {
          const tokens = embedder.countTokens(text);
          expect(Number.isInteger(tokens), JSON.stringify(text.slice(0, 20))).toBe(true);
          expect(tokens).toBeGreaterThanOrEqual(1);
        }
        expect(embedder.countTokens('word '.repeat(200))).toBeGreaterThan(
          embedder.countTokens('word'),
        );
      },
      timeout,
    );

    it(
      'refuses more inputs than maxInputsPerCall with a limit-exceeded error',
      async () => {
        const embedder = await options.create();
        const tooMany = Array.from(
          { length: embedder.limits.maxInputsPerCall + 1 },
          (_, index) => `t${index}`,
        );
        await expect(embedder.embed(tooMany)).rejects.toSatisfy(hasCode('limit-exceeded'));
      },
      timeout,
    );

    it(
      'honours an aborted signal with an aborted error',
      async () => {
        const embedder = await options.create();
        const controller = new AbortController();
        controller.abort();
        await expect(
          embedder.embed(texts.slice(0, 1), { signal: controller.signal }),
        ).rejects.toSatisfy(hasCode('aborted'));
      },
      timeout,
    );
  });
}
