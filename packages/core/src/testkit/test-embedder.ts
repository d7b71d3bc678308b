import { describe, it } from 'vitest';
import type { Embedder } from '../spec/embedder-v1.js';
import { type EmbedderHarness, type EmbedderRule, embedderRules } from './embedder-rules.js';

export interface TestEmbedderOptions {
  /** The embedder under test (against its real API or a local fake of its wire format). */
  create: () => Promise<Embedder> | Embedder;
  /** The dimension it must declare and return. */
  dimensions?: number;
  /** Whether the same text always gives the same vector; tested when true. Default false. */
  deterministic?: boolean;
  /** Whether vectors are unit length (±1e-3); tested when true. Default true. */
  normalized?: boolean;
  /** Texts to embed (at least two); default a few short, long-ish and non-Latin texts. */
  texts?: string[];
  /** Per-test timeout; default 30 s. */
  timeoutMs?: number;
  /** Suite title; default `embedder conformance`. */
  title?: string;
  /** Registers tests of the embedder's own (vitest `it`) inside the suite. */
  additionalTests?: (harness: EmbedderHarness) => void;
}

const defaultTexts = [
  'The quick brown fox jumps over the lazy dog.',
  'Delta tables keep a log of every commit.',
  'Grüße aus München — 東京の天気は晴れ 🌤',
  'a',
];

export function embedderHarness(options: TestEmbedderOptions): EmbedderHarness {
  return {
    create: options.create,
    dimensions: options.dimensions,
    deterministic: options.deterministic ?? false,
    normalized: options.normalized ?? true,
    texts: options.texts ?? defaultTexts,
  };
}

/** Runs one rule outside vitest's registration (the testkit's own tests do). */
export function runEmbedderRule(rule: EmbedderRule, options: TestEmbedderOptions): Promise<void> {
  return rule.run(embedderHarness(options));
}

/**
 * Registers the Embedder conformance suite (vitest `describe`/`it`), one test per rule
 * (see the table in the core README): declared dimension, limits and price; one vector
 * of the right length per input, in order, each its own; determinism when declared; token
 * counts; no texts and empty texts; limit-exceeded past `maxInputsPerCall`; abort.
 */
export function testEmbedder(options: TestEmbedderOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const harness = embedderHarness(options);
  describe(options.title ?? 'embedder conformance', () => {
    for (const rule of embedderRules) {
      // Rules about determinism do not apply to an embedder that says it is not deterministic.
      if (rule.needsDeterministic && !harness.deterministic) continue;
      it(rule.name, () => rule.run(harness), timeout);
    }
    options.additionalTests?.(harness);
  });
}
