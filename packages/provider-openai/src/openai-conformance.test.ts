import { testEmbedder } from '@drift-spark/core/testkit';
import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterAll, beforeAll } from 'vitest';
import { createOpenAIEmbedder } from './openai-embedder.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ [openAIEmbeddingsRoute]: openAIEmbeddingsHandler() });
});
afterAll(async () => {
  await server.close();
});

testEmbedder({
  title: 'OpenAI embedder conformance (real SDK, local OpenAI wire format)',
  create: () =>
    createOpenAIEmbedder({
      model: 'openai/text-embedding-3-small',
      dimensions: 512,
      apiKey: 'sk-test',
      baseURL: `${server.url}/v1`,
    }),
  dimensions: 512,
  deterministic: true,
});
