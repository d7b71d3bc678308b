import { join } from 'node:path';
import { parseChunkSpec } from '@drift-spark/core/internal';
import { createOpenAIEmbedder } from '@drift-spark/provider-openai';
import {
  type OpenAIEmbeddingsRequestBody,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { model } from './cli-args.js';
import {
  type ChunkPoint,
  chunkRunArgs,
  expectedChunks,
  expectSinkHoldsChunks,
} from './cli-chunk-state.js';
import { ledgerPointCount } from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';
import { MarkdownDocsTable } from './markdown-docs.js';

const spec = 'markdown';
const documents = 10;
const tokensPerDocument = 2500;
const rounds = 4;

/**
 * Issue 19: long Markdown documents of real text, chunked by `--chunk markdown` into
 * PostgreSQL + pgvector, edited at random by a real Delta writer; after every `drift watch` the sink holds exactly the chunks
 * of the current documents, and the provider (the OpenAI test server) was paid for exactly
 * the chunk texts never embedded before.
 */
describe('drift embed/watch --chunk keeps a sink of chunks in step with long documents', () => {
  const space = useCliWorkspace('chunking', { services: ['DATABASE_URL'] });
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ [openAIEmbeddingsRoute]: openAIEmbeddingsHandler() });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Every input the provider was sent from request `from` on. */
  const paidSince = (from: number): string[] =>
    server
      .requestsTo(openAIEmbeddingsRoute)
      .slice(from)
      .flatMap((request) => {
        const input = (request.json as OpenAIEmbeddingsRequestBody).input;
        return Array.isArray(input) ? input : [input];
      });

  it('after each watch: exactly the chunks of the current documents; only new chunk texts paid', async () => {
    const { work } = space;
    const { seed, random } = testSeed('cli-chunking');
    const table = new MarkdownDocsTable(join(work, 'docs'));
    table.create({ documents, tokens: tokensPerDocument, seed });
    const sink = `${process.env.DATABASE_URL!.replace(/\?.*$/, '')}?table=drift_chunks_${Math.random().toString(36).slice(2, 8)}`;
    const ledger = join(work, 'ledger.db');
    const env = { OPENAI_API_KEY: 'sk-test-chunking', OPENAI_BASE_URL: `${server.url}/v1` };
    const args = (command: string) =>
      chunkRunArgs(command, { table: table.path, sink, ledger }, spec, 4);
    const tokenizer = createOpenAIEmbedder({ model, apiKey: 'unused' }).countTokens;
    const embedded = new Set<string>();
    let expected = new Map<string, ChunkPoint>();

    for (let round = 0; round <= rounds; round++) {
      const label = `round ${round}`;
      if (round > 0) {
        const edit = table.edit({
          seed: Math.floor(random() * 1e9),
          editDocuments: 2 + Math.floor(random() * 3),
          insertDocuments: random() < 0.5 ? 1 : 0,
          deleteDocuments: random() < 0.5 ? 1 : 0,
          tokens: tokensPerDocument,
        });
        console.info(`${label}: ${JSON.stringify(edit)}`);
      }
      const paidBefore = server.requestsTo(openAIEmbeddingsRoute).length;
      const result = await space.driftJson(args(round === 0 ? 'embed' : 'watch'), env);
      expect(result, label).toMatchObject({ status: 'succeeded', rowsFailed: 0 });

      const { rows } = table.rows();
      expected = expectedChunks(String(result.source), rows, parseChunkSpec(spec), tokenizer);
      await expectSinkHoldsChunks(sink, expected, label);
      expect(await ledgerPointCount(ledger, String(result.sink)), `${label}: ledger`).toBe(
        expected.size,
      );

      // Paid for: each chunk text never embedded before, once; nothing else.
      const fresh = new Set(
        [...expected.values()].map((point) => point.content!).filter((text) => !embedded.has(text)),
      );
      const paid = paidSince(paidBefore);
      expect(paid.length, `${label}: inputs paid`).toBe(fresh.size);
      expect(new Set(paid), `${label}: texts paid`).toEqual(fresh);
      for (const text of paid) embedded.add(text);
      if (round > 0)
        expect(
          fresh.size,
          `${label}: an edit pays for a few chunks, not whole documents`,
        ).toBeLessThan(expected.size / 2);
    }

    // Nothing changed: nothing read, nothing paid.
    const idleFrom = server.requestsTo(openAIEmbeddingsRoute).length;
    await space.driftJson(args('watch'), env);
    expect(paidSince(idleFrom)).toEqual([]);

    // search: rows by default (one line per key, its best chunk), chunks with --chunks.
    const probe = [...expected.values()].find((point) => point.index > 0)!;
    const search = (...flags: string[]) =>
      space.driftJson(
        [
          'search',
          probe.content!,
          '--model',
          model,
          '--sink',
          sink,
          '--k',
          '3',
          ...flags,
          '--json',
        ],
        env,
      );
    const byRow = (await search()) as { hits: { key: string; chunk: { index: number } }[] };
    expect(byRow.hits[0]).toMatchObject({ key: probe.key, chunk: { index: probe.index } });
    expect(new Set(byRow.hits.map((hit) => hit.key)).size).toBe(byRow.hits.length);
    const byChunk = (await search('--chunks')) as { results: string; hits: unknown[] };
    expect(byChunk.results).toBe('chunks');
    expect(byChunk.hits).toHaveLength(3);
  });
});
