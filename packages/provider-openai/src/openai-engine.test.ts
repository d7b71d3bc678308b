import { createMemoryLedger, createMemorySink, embed, pointId } from '@drift-spark/core';
import { createArraySource } from '@drift-spark/core/testkit';
import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  openAIError,
  type RecordedRequest,
  type RouteContext,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIEmbedder } from './openai-embedder.js';
import { encodeTokens } from './openai-tokenizer.js';

let server: TestServer;
/** prompt_tokens of every answer the server gave with 200. */
let billed: number[];

beforeEach(async () => {
  billed = [];
  const answer = openAIEmbeddingsHandler({
    countTokens: (text) => encodeTokens(text).length,
    // One poisoned row: OpenAI refuses the whole call without saying which input.
    reject: (text) => (text.includes('POISON') ? "'$.input' is invalid." : undefined),
    nameRejectedInput: false,
  });
  server = await startTestServer({
    [openAIEmbeddingsRoute]: async (request: RecordedRequest, context: RouteContext) => {
      if (context.callIndex === 0)
        return openAIError(429, 'Rate limit reached', { headers: { 'retry-after-ms': '20' } });
      const response = await answer(request, context);
      if ((response.status ?? 200) === 200)
        billed.push((response.body as { usage: { prompt_tokens: number } }).usage.prompt_tokens);
      return response;
    },
  });
});
afterEach(async () => {
  await server.close();
});

describe('the core engine with the OpenAI embedder', () => {
  it('bills to the cent: run cost = sum of per-embedding costs = provider usage × price; one bad row fails alone', async () => {
    const rows = Array.from({ length: 300 }, (_, index) => ({
      id: index + 1,
      text:
        index === 137
          ? 'this row is POISON to the provider'
          : `Row ${index + 1}: ${'a fairly ordinary sentence about lakehouse tables '.repeat((index % 7) + 1)}`,
    }));
    const source = createArraySource({
      id: 'array://providers',
      columns: ['id', 'text'],
      versions: [rows],
    });
    const sink = createMemorySink();
    const ledger = createMemoryLedger();
    const embedder = createOpenAIEmbedder({
      model: 'openai/text-embedding-3-small',
      apiKey: 'sk-test',
      baseURL: `${server.url}/v1`,
      price: 0.02,
    });

    const result = await embed({
      source,
      sink,
      embedder,
      ledger,
      textColumn: 'text',
      batchSize: 100,
      retry: { initialDelayMs: 1, maxDelayMs: 50 },
    });

    expect(result.status).toBe('partial');
    expect(result.rowsFailed).toBe(1);
    expect(result.failures[0]?.key).toBe('138');
    expect(result.rowsEmbedded).toBe(299);
    const usage = billed.reduce((sum, tokens) => sum + tokens, 0);
    expect(result.tokens).toBe(usage);
    expect(result.costUsd).toBeCloseTo((usage * 0.02) / 1e6, 12);

    const ids = rows.map((row) => pointId(source.id, String(row.id)));
    const points = [...(await ledger.getPoints(sink.id, ids)).values()];
    expect(points).toHaveLength(299);
    expect(points.reduce((sum, point) => sum + point.tokens, 0)).toBe(usage);
    expect(points.reduce((sum, point) => sum + point.costUsd, 0)).toBeCloseTo(result.costUsd, 12);
    // Each point's tokens are its own text's tokens: the provider's usage, split by the tokenizer.
    const byKey = new Map(points.map((point) => [point.key, point.tokens]));
    expect(byKey.get('1')).toBe(encodeTokens(rows[0]!.text).length);
    expect(byKey.get('7')).toBe(encodeTokens(rows[6]!.text).length);
    expect(await sink.count()).toBe(299);
  });
});
