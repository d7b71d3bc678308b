import { createShadowEmbedder, shadowFingerprint, shadowPrice } from '../shadow/shadow-embedder.js';
import type { Embedder, EmbedderV1 } from '../spec/embedder-v1.js';
import { type EmbedderMiddleware, wrapEmbedder } from './embedder-middleware.js';

/**
 * Middleware that never calls the wrapped embedder: it keeps its id, dimensions, limits
 * and token count, and answers with shadow vectors at $0 under a `shadow:` fingerprint
 * (so a later real run re-embeds every row instead of trusting shadow vectors).
 */
export function shadowModeMiddleware(): EmbedderMiddleware {
  let shadow: { key: string; embedder: Embedder } | undefined;
  const shadowFor = (embedder: Embedder): Embedder => {
    const key = `${embedder.id}@${embedder.dimensions}`;
    if (shadow?.key !== key) {
      shadow = {
        key,
        embedder: createShadowEmbedder({
          model: embedder.id,
          dimensions: embedder.dimensions,
          limits: embedder.limits,
          countTokens: (text) => embedder.countTokens(text),
        }),
      };
    }
    return shadow.embedder;
  };
  return {
    overrideFingerprint: ({ embedder }) => shadowFingerprint(embedder.id, embedder.dimensions),
    overridePrice: () => shadowPrice,
    wrapEmbed: ({ embedder, texts, options }) => shadowFor(embedder).embed(texts, options),
  };
}

/** `embedder` in shadow mode: its identity and limits, shadow vectors, no provider call, $0. */
export function shadowMode(embedder: Embedder): EmbedderV1 {
  return wrapEmbedder({ embedder, middleware: shadowModeMiddleware() });
}
