import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterEach, beforeEach } from 'vitest';
import { createOpenAIEmbedder, type OpenAIEmbedderOptions } from '../openai-embedder.js';

// Shared by the OpenAI embedder's test files: a local server speaking OpenAI's wire format,
// fresh for each test, and an embedder pointed at it.

export const secretKey = 'sk-test-secret-0123456789abcdef';
let current: TestServer;

beforeEach(async () => {
  current = await startTestServer({ [openAIEmbeddingsRoute]: openAIEmbeddingsHandler() });
});
afterEach(async () => {
  await current.close();
});

/** The server of the running test. */
export const server = (): TestServer => current;

export function embedder(options: Partial<OpenAIEmbedderOptions> = {}) {
  return createOpenAIEmbedder({
    model: 'openai/text-embedding-3-small',
    apiKey: secretKey,
    baseURL: `${current.url}/v1`,
    ...options,
  });
}

type SentBody = { model: string; input: string[]; encoding_format?: string; dimensions?: number };
/** The body of the `index`th request to the embeddings route. */
export const sent = (index = 0) =>
  current.requestsTo(openAIEmbeddingsRoute)[index]?.json as SentBody;
