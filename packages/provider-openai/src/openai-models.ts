/** What Drift knows about each OpenAI embedding model. */
export interface OpenAIModelInfo {
  /** Output dimensions when the request names none. */
  defaultDimensions: number;
  /** Whether the model takes the `dimensions` parameter (shortened embeddings). */
  acceptsDimensions: boolean;
}

export const openAIModels: Readonly<Record<string, OpenAIModelInfo>> = {
  'text-embedding-3-small': { defaultDimensions: 1536, acceptsDimensions: true },
  'text-embedding-3-large': { defaultDimensions: 3072, acceptsDimensions: true },
  'text-embedding-ada-002': { defaultDimensions: 1536, acceptsDimensions: false },
};

/**
 * OpenAI's documented per-call limits for every embedding model: 2048 inputs, 8192 tokens
 * per input, 300k tokens per call (the last one checked against OpenAI's own estimate of a
 * quarter token per UTF-8 byte, not the real token count).
 */
export const openAILimits = {
  maxInputsPerCall: 2048,
  maxTokensPerInput: 8192,
  maxTokensPerCall: 300_000,
  // The embedding models' rate limits at usage tier 1 (platform.openai.com/docs/guides/rate-limits):
  // the floor every paid account has; higher tiers allow more.
  tokensPerMinute: 1_000_000,
  requestsPerMinute: 3_000,
} as const;

/** `openai/text-embedding-3-small` or `text-embedding-3-small` → `text-embedding-3-small`. */
export function openAIModelName(model: string): string {
  return model.startsWith('openai/') ? model.slice('openai/'.length) : model;
}
