import type { Embedder } from '../spec/embedder-v1.js';
import { createRecordingEmbedder } from './recording-embedder.js';

/** A correct embedder to break: deterministic, 8 dimensions, 4 inputs per call. */
export const sound = (): Embedder =>
  createRecordingEmbedder({ dimensions: 8, limits: { maxInputsPerCall: 4 } });

/** Embedders that each get one rule wrong, on top of the (correct) recording embedder. */
export const brokenEmbedders = {
  /** Hands the vectors back in reverse order. */
  reversesOrder(inner: Embedder): Embedder {
    return {
      ...inner,
      embed: async (texts, options) => {
        const result = await inner.embed(texts, options);
        return { ...result, vectors: [...result.vectors].reverse() };
      },
    };
  },
  /** Keeps one vector per text and hands the same object out again. */
  sharesCachedVectors(inner: Embedder): Embedder {
    const cache = new Map<string, Float32Array>();
    return {
      ...inner,
      embed: async (texts, options) => {
        const result = await inner.embed(texts, options);
        const vectors = texts.map((text, index) => {
          if (!cache.has(text)) cache.set(text, result.vectors[index]!);
          return cache.get(text)!;
        });
        return { ...result, vectors };
      },
    };
  },
  /** Embeds an empty text (as a space) instead of refusing it. */
  embedsEmptyText(inner: Embedder): Embedder {
    return {
      ...inner,
      embed: (texts, options) =>
        inner.embed(
          texts.map((text) => text || ' '),
          options,
        ),
    };
  },
  /** Takes more than `maxInputsPerCall` by splitting the call on its own. */
  splitsOnItsOwn(inner: Embedder): Embedder {
    return {
      ...inner,
      embed: async (texts, options) => {
        const most = inner.limits.maxInputsPerCall;
        const parts = [];
        for (let start = 0; start < texts.length; start += most)
          parts.push(await inner.embed(texts.slice(start, start + most), options));
        return {
          vectors: parts.flatMap((part) => part.vectors),
          tokens: parts.reduce((total, part) => total + part.tokens, 0),
        };
      },
    };
  },
  /** Drops the caller's signal. */
  ignoresAbort(inner: Embedder): Embedder {
    return { ...inner, embed: (texts) => inner.embed(texts) };
  },
  /** Declares one dimension more than it returns. */
  declaresAnotherDimension(inner: Embedder): Embedder {
    return { ...inner, dimensions: inner.dimensions + 1 };
  },
};
