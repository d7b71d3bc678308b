import type { EmbedderPrice } from '@drift-spark/core';

/** The request body Drift sends. */
export interface OpenAIEmbeddingsRequest {
  model: string;
  input: string[];
  encoding_format: 'base64';
  dimensions?: number;
}

/** The part of the answer Drift reads. `embedding` is base64 (or floats from servers that ignore `encoding_format`). */
export interface OpenAIEmbeddingsResponse {
  data: Array<{ index: number; embedding: string | number[] }>;
  usage?: { prompt_tokens: number };
}

/** The subset of the `openai` client Drift uses; inject a real `OpenAI` instance or a fake. */
export interface OpenAIEmbeddingsClient {
  embeddings: {
    create(
      body: OpenAIEmbeddingsRequest,
      options?: { signal?: AbortSignal },
    ): PromiseLike<OpenAIEmbeddingsResponse>;
  };
}

export interface OpenAIEmbedderOptions {
  /** `openai/text-embedding-3-small`, `text-embedding-3-large`, or any model name of an OpenAI-compatible server. */
  model: string;
  /** Default `OPENAI_API_KEY`, read at the first call. */
  apiKey?: string;
  /** Default `OPENAI_BASE_URL`, then OpenAI's. For Azure OpenAI, vLLM, Ollama (`http://localhost:11434/v1`). */
  baseURL?: string;
  /** Shortened embeddings for the v3 models; required for a model Drift does not know. Part of the fingerprint. */
  dimensions?: number;
  /** A client (or a function that makes one) to use instead of building one; tests pass fakes. */
  client?:
    | OpenAIEmbeddingsClient
    | (() => OpenAIEmbeddingsClient | Promise<OpenAIEmbeddingsClient>);
  /** USD per 1M tokens (or a full price with its source), instead of the list price. */
  price?: number | EmbedderPrice;
  /** Inputs over 8192 tokens: cut to 8192 tokens and counted in `truncated` (default), or refused as input-rejected. */
  overlong?: 'truncate' | 'reject';
  /** Milliseconds one call may take before it counts as a transient failure. Default 60 000. */
  timeoutMs?: number;
  /** Calls the engine may keep in flight. Default 8. */
  maxConcurrentCalls?: number;
}
