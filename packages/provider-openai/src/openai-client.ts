import { FatalError } from '@drift-spark/core';
import type { OpenAIEmbedderOptions, OpenAIEmbeddingsClient } from './openai-embedder-options.js';
import { loadOpenAISdk } from './openai-sdk.js';

/** The client, made at the first call; the key it was made with, to keep out of errors. */
export interface LazyOpenAIClient {
  get(): Promise<OpenAIEmbeddingsClient>;
  readonly apiKeyUsed: string | undefined;
}

/**
 * The injected client, or one built from the options and the environment at the first
 * call. A failed setup (no key) is tried again at the next call, after the user fixed it.
 */
export function lazyOpenAIClient(id: string, options: OpenAIEmbedderOptions): LazyOpenAIClient {
  let client: Promise<OpenAIEmbeddingsClient> | undefined;
  let apiKeyUsed: string | undefined;
  const build = async (): Promise<OpenAIEmbeddingsClient> => {
    if (options.client)
      return typeof options.client === 'function' ? await options.client() : options.client;
    const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
    if (!apiKey) {
      throw new FatalError(
        `No OpenAI API key for ${id}: set OPENAI_API_KEY (or pass apiKey), or use --shadow-mode to run without a provider.`,
      );
    }
    apiKeyUsed = apiKey;
    const { OpenAI } = await loadOpenAISdk();
    return new OpenAI({
      apiKey,
      baseURL: options.baseURL ?? process.env.OPENAI_BASE_URL ?? undefined,
      // Drift's engine owns the one retry loop (backoff with jitter, Retry-After, adaptive
      // concurrency). SDK retries would multiply attempts and hide 429s from the pacer.
      maxRetries: 0,
      timeout: options.timeoutMs ?? 60_000,
    }) as unknown as OpenAIEmbeddingsClient;
  };
  return {
    get() {
      client ??= build();
      client.catch(() => {
        client = undefined;
      });
      return client;
    },
    get apiKeyUsed() {
      return apiKeyUsed;
    },
  };
}
