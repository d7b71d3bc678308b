import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { createMemoryLedger, createMemorySink, embed, pointId } from '@drift-spark/core';
import { createArraySource } from '@drift-spark/core/testkit';
import {
  bedrockEmbeddingsHandler,
  bedrockError,
  bedrockInvokeRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBedrockEmbedder } from './bedrock-embedder.js';

let server: TestServer;
let billed: number[];

beforeEach(async () => {
  billed = [];
  const answer = bedrockEmbeddingsHandler();
  server = await startTestServer(
    {
      [bedrockInvokeRoute]: async (request, context) => {
        if (context.callIndex === 1)
          return bedrockError(429, 'ThrottlingException', 'Too many requests');
        const response = await answer(request, context);
        const header = response.headers?.['x-amzn-bedrock-input-token-count'];
        if ((response.status ?? 200) === 200 && header) billed.push(Number(header));
        return response;
      },
    },
    { http2: true },
  );
});
afterEach(async () => {
  await server.close();
});

const client = () =>
  new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });

describe('the core engine with the Bedrock embedder', () => {
  for (const model of ['bedrock/amazon.titan-embed-text-v2:0', 'bedrock/cohere.embed-english-v3']) {
    it(`${model}: run cost = sum of per-embedding costs = Bedrock's token counts × price, through a throttle`, async () => {
      const rows = Array.from({ length: 120 }, (_, index) => ({
        id: index + 1,
        text: `row ${index + 1} ${'word '.repeat(index % 9)}`,
      }));
      const source = createArraySource({
        id: 'array://bedrock',
        columns: ['id', 'text'],
        versions: [rows],
      });
      const sink = createMemorySink();
      const ledger = createMemoryLedger();
      const embedder = createBedrockEmbedder({ model, client: client() });

      const result = await embed({
        source,
        sink,
        embedder,
        ledger,
        textColumn: 'text',
        batchSize: 50,
        retry: { initialDelayMs: 1, maxDelayMs: 20 },
      });

      expect(result).toMatchObject({ status: 'succeeded', rowsEmbedded: 120, rowsFailed: 0 });
      const usage = billed.reduce((sum, tokens) => sum + tokens, 0);
      expect(result.tokens).toBe(usage);
      expect(result.costUsd).toBeCloseTo((usage * embedder.price.usdPerMillionTokens) / 1e6, 12);
      const points = [
        ...(
          await ledger.getPoints(
            sink.id,
            rows.map((row) => pointId(source.id, String(row.id))),
          )
        ).values(),
      ];
      expect(points).toHaveLength(120);
      expect(points.reduce((sum, point) => sum + point.tokens, 0)).toBe(usage);
      expect(points.reduce((sum, point) => sum + point.costUsd, 0)).toBeCloseTo(result.costUsd, 12);
    });
  }
});
