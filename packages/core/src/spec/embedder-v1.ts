/**
 * An Embedder turns texts into vectors. It declares its limits as data; the engine
 * packs calls to those limits, paces them and retries. An embedder handed more than
 * its limits throws a typed error instead of splitting on its own.
 */

/** What one call may carry and how many calls may run at once; the engine packs to these. */
export interface EmbedderLimits {
  /** Most inputs one call may carry. */
  maxInputsPerCall: number;
  /** Most tokens one input may have (longer inputs are truncated or rejected by the embedder). */
  maxTokensPerInput: number;
  /** Most tokens one call may carry, as the engine counts them with `countTokens`. */
  maxTokensPerCall: number;
  /** Most calls in flight at once; 1 for an embedder that cannot run concurrently. */
  maxConcurrentCalls: number;
  /**
   * Optional: most tokens a minute the provider allows by default (its documented quota);
   * `drift plan` estimates how long a full embed takes from it. The engine paces by 429s.
   */
  tokensPerMinute?: number;
  /** Optional: most calls a minute the provider allows by default (as `tokensPerMinute`). */
  requestsPerMinute?: number;
}

/** What an embedder costs; the run records the price it used. */
export interface EmbedderPrice {
  /** USD per one million input tokens. */
  usdPerMillionTokens: number;
  /** Where the price comes from, e.g. `openai.com/pricing 2026-11-01`, or `user` when overridden. */
  source: string;
}

/** Options of one `embed` call. */
export interface EmbedOptions {
  signal?: AbortSignal;
}

/** The vectors of one `embed` call and the tokens it was billed. */
export interface EmbedResult {
  /** One vector per input, in input order, each of `dimensions` floats. */
  vectors: Float32Array[];
  /** Total tokens billed for the call. */
  tokens: number;
  /** Tokens per input where the provider or tokenizer can tell; the engine apportions `tokens` otherwise. */
  tokensPerInput?: number[];
  /** How many inputs were truncated to `maxTokensPerInput`. */
  truncated?: number;
}

/** The embedder contract (specification v1): texts in, vectors out, limits and price as data. */
export interface EmbedderV1 {
  readonly specificationVersion: 'v1';
  /** `provider/model`, e.g. `openai/text-embedding-3-small`. */
  readonly id: string;
  readonly dimensions: number;
  /**
   * Everything that changes the vector: model id, dimensions, and any other knob
   * (normalisation, input type). Two embedders with the same fingerprint give the same vectors.
   */
  readonly fingerprint: string;
  readonly limits: EmbedderLimits;
  readonly price: EmbedderPrice;
  /** Tokens the text costs (exact where a tokenizer exists, a conservative estimate otherwise). */
  countTokens(text: string): number;
  embed(texts: string[], options?: EmbedOptions): Promise<EmbedResult>;
}

/** The current embedder contract. */
export type Embedder = EmbedderV1;
