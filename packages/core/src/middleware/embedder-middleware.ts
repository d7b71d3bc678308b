import type {
  Embedder,
  EmbedderLimits,
  EmbedderPrice,
  EmbedderV1,
  EmbedOptions,
  EmbedResult,
} from '../spec/embedder-v1.js';

/**
 * Cross-cutting embedder behaviour (shadow mode, caching, metering, pacing) as a
 * wrapper instead of a branch inside each plugin. Every hook is optional; each
 * receives the embedder it wraps.
 */
export interface EmbedderMiddleware {
  overrideId?: (args: { embedder: Embedder }) => string;
  overrideDimensions?: (args: { embedder: Embedder }) => number;
  overrideFingerprint?: (args: { embedder: Embedder }) => string;
  overrideLimits?: (args: { embedder: Embedder }) => EmbedderLimits;
  overridePrice?: (args: { embedder: Embedder }) => EmbedderPrice;
  overrideCountTokens?: (args: { embedder: Embedder; text: string }) => number;
  /** Around each call; `doEmbed` calls the wrapped embedder (with other texts or options if given). */
  wrapEmbed?: (args: {
    embedder: Embedder;
    texts: string[];
    options: EmbedOptions;
    doEmbed: (texts?: string[], options?: EmbedOptions) => Promise<EmbedResult>;
  }) => Promise<EmbedResult>;
}

/** The embedder to wrap and the middleware to wrap it in. */
export interface WrapEmbedderOptions {
  embedder: Embedder;
  /** One middleware, or several: the first is the outermost. */
  middleware: EmbedderMiddleware | EmbedderMiddleware[];
}

/** Wraps an embedder in middleware. Properties are read lazily, on each access. */
export function wrapEmbedder({ embedder, middleware }: WrapEmbedderOptions): EmbedderV1 {
  const layers = Array.isArray(middleware) ? middleware : [middleware];
  return layers.reduceRight<Embedder>((inner, layer) => wrapOne(inner, layer), embedder);
}

function wrapOne(embedder: Embedder, middleware: EmbedderMiddleware): EmbedderV1 {
  return {
    specificationVersion: 'v1',
    get id() {
      return middleware.overrideId ? middleware.overrideId({ embedder }) : embedder.id;
    },
    get dimensions() {
      return middleware.overrideDimensions
        ? middleware.overrideDimensions({ embedder })
        : embedder.dimensions;
    },
    get fingerprint() {
      return middleware.overrideFingerprint
        ? middleware.overrideFingerprint({ embedder })
        : embedder.fingerprint;
    },
    get limits() {
      return middleware.overrideLimits ? middleware.overrideLimits({ embedder }) : embedder.limits;
    },
    get price() {
      return middleware.overridePrice ? middleware.overridePrice({ embedder }) : embedder.price;
    },
    countTokens(text: string): number {
      return middleware.overrideCountTokens
        ? middleware.overrideCountTokens({ embedder, text })
        : embedder.countTokens(text);
    },
    embed(texts: string[], options: EmbedOptions = {}): Promise<EmbedResult> {
      const doEmbed = (nextTexts: string[] = texts, nextOptions: EmbedOptions = options) =>
        embedder.embed(nextTexts, nextOptions);
      return middleware.wrapEmbed
        ? middleware.wrapEmbed({ embedder, texts, options, doEmbed })
        : doEmbed();
    },
  };
}
