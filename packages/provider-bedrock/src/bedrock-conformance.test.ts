import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { testEmbedder } from '@drift-spark/core/testkit';
import {
  bedrockEmbeddingsHandler,
  bedrockInvokeRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterAll, beforeAll } from 'vitest';
import { createBedrockEmbedder } from './bedrock-embedder.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    { [bedrockInvokeRoute]: bedrockEmbeddingsHandler() },
    { http2: true },
  );
});
afterAll(async () => {
  await server.close();
});

const client = () =>
  new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });

// The suite embeds all its texts in one call; Titan takes one text per call, so it gets one.
for (const [model, texts] of [
  ['bedrock/amazon.titan-embed-text-v2:0', ['Grüße aus München — 東京の天気は晴れ 🌤']],
  ['bedrock/cohere.embed-english-v3', undefined],
] as const) {
  testEmbedder({
    texts: texts ? [...texts] : undefined,
    title: `Bedrock embedder conformance: ${model} (real SDK, local InvokeModel wire format)`,
    create: () => createBedrockEmbedder({ model, client: client() }),
    dimensions: 1024,
    deterministic: true,
  });
}
