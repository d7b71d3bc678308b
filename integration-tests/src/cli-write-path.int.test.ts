import { join } from 'node:path';
import {
  estimateTokensByBytes,
  float32ToBase64,
  type OpenAIEmbeddingsRequestBody,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions, model } from './cli-args.js';
import { type DriftRun, parseJson, sha256, type TicketRow } from './cli-harness.js';
import { pgvectorSink, sql } from './cli-sink-access.js';
import { ledgerPointCount } from './cli-state.js';
import { useCliWorkspace } from './cli-workspace.js';

const databaseUrl = process.env.DATABASE_URL;

const row = (id: number, body: string | null): TicketRow => ({ id, body, category: null, n: id });

/**
 * Issue 10, items 4 and 7: a text PostgreSQL cannot hold, a row the sink refuses, a cost
 * limit just above one call, and empty vectors from a provider — through the built binary.
 */
describe('the write path keeps every good row, through the built drift binary', () => {
  const space = useCliWorkspace('write', { writer: true, services: ['DATABASE_URL'] });
  let server: TestServer;
  const token = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const run = space.drift;
  const argsFor = (command: string, table: string, sinkUri: string, ledger: string) => [
    command,
    '--table',
    table,
    '--text-col',
    'body',
    '--sink',
    sinkUri,
    '--ledger',
    ledger,
    '--json',
  ];

  for (const engine of ['pglite', 'postgres'] as const) {
    it(`${engine}: a text with NUL is stored without it; a row the table refuses fails alone; deletes land`, async () => {
      const { work, writer } = space;
      const tableName = `drift_nul_${token}`;
      const uri =
        engine === 'pglite'
          ? `pglite://${join(work, 'nul-pglite')}?table=${tableName}`
          : `${databaseUrl!.replace(/\?.*$/, '')}?table=${tableName}`;
      const sink = pgvectorSink(engine, uri, model, dimensions);
      const table = join(work, `nul-${engine}`);
      const ledger = join(work, `nul-${engine}.db`);
      const rows = new Map<number, string>([
        [1, 'plain one'],
        [2, 'with a \u0000 NUL inside'],
        [3, 'three'],
        [4, 'four'],
        [5, 'five'],
      ]);
      await writer.request({
        op: 'create',
        path: table,
        rows: [...rows].map(([id, body]) => row(id, body)),
      });
      const drift = async (code: number) => {
        const result = await run([...argsFor('watch', table, uri, ledger), '--shadow-mode']);
        expect(result.code, result.stderr).toBe(code);
        return parseJson(result);
      };
      const expectSink = async (what: string) => {
        const points = await sink.read();
        const byKey = new Map([...points.values()].map((point) => [point.key, point]));
        expect([...byKey.keys()].sort(), what).toEqual([...rows.keys()].map(String).sort());
        for (const [id, body] of rows)
          expect(byKey.get(String(id)), `${what}: row ${id}`).toMatchObject({
            content: body.replaceAll('\u0000', ''),
            contentHash: sha256(body),
          });
      };

      // Used to fail the whole batch: "invalid byte sequence for encoding UTF8: 0x00".
      expect(await drift(0)).toMatchObject({ status: 'succeeded', rowsEmbedded: 5 });
      await expectSink('bootstrap');

      // One commit: a delete, and an update that brings a NUL.
      await writer.request({ op: 'merge', upserts: [row(4, 'four\u0000changed')], deletes: [1] });
      rows.delete(1);
      rows.set(4, 'four\u0000changed');
      expect(await drift(0)).toMatchObject({ status: 'succeeded', updated: 1, deleted: 1 });
      await expectSink('after a delete and a NUL update');

      // A constraint of the user's table refuses one row: that row fails, the others and the
      // delete of the same commit land.
      await sql(
        uri,
        `alter table "${tableName}" add constraint no_secret check (content not like '%secret%')`,
      );
      await writer.request({
        op: 'merge',
        upserts: [row(6, 'a secret text'), row(7, 'seven')],
        deletes: [3],
      });
      const partial = await drift(3);
      expect(partial).toMatchObject({
        status: 'partial',
        rowsFailed: 1,
        deleted: 1,
        failures: [{ key: '6', code: 'point-rejected' }],
      });
      rows.delete(3);
      rows.set(7, 'seven');
      await expectSink('after a refused row');
      expect(await ledgerPointCount(ledger, String(partial.sink))).toBe(rows.size);
    });
  }

  it('--max-cost just above one call: what the provider was paid for is recorded and written', async () => {
    const { work, writer } = space;
    server.setRoute(openAIEmbeddingsRoute, openAIEmbeddingsHandler({ delayMs: 1500 }));
    const billedBefore = server.requestsTo(openAIEmbeddingsRoute).length;
    const table = join(work, 'cost');
    const ledger = join(work, 'cost.db');
    const uri = `pglite://${join(work, 'cost-sink')}?table=tickets`;
    const rows = Array.from({ length: 32 }, (_, i) =>
      row(i + 1, `ticket number ${10 + i} about the broken printer`),
    );
    await writer.request({ op: 'create', path: table, rows });
    const env = { OPENAI_API_KEY: 'sk-test-cost', OPENAI_BASE_URL: `${server.url}/v1` };
    const args = [...argsFor('embed', table, uri, ledger), '--batch-size', '8', '--price', '1000'];
    const plan = parseJson(await run([...args, '--dry-run'], env));
    const oneCall = (plan.estimatedCostUsd as number) / 4;
    const result: DriftRun = await run([...args, '--max-cost', String(oneCall * 1.5)], env);
    const json = parseJson(result);
    expect(json.error, result.stderr).toMatch(/cost-limit/);
    const billed = server
      .requestsTo(openAIEmbeddingsRoute)
      .slice(billedBefore)
      .flatMap((request) => (request.json as OpenAIEmbeddingsRequestBody).input as string[]);
    expect(billed.length).toBeGreaterThan(0);
    // Every input the provider billed is in the run's tokens, the ledger and the sink.
    const billedTokens = billed.reduce((sum, text) => sum + estimateTokensByBytes(text), 0);
    expect(json.tokens).toBe(billedTokens);
    const stored = await pgvectorSink('cost', uri, model, dimensions).read();
    expect([...stored.values()].map((point) => point.content).sort()).toEqual([...billed].sort());
    const cost = parseJson(await run(['cost', '--by', 'run', '--ledger', ledger, '--json'], env));
    expect((cost.rows as { tokens: number }[]).map((entry) => entry.tokens)).toEqual([
      billedTokens,
    ]);
  });

  it('an all-zero vector from the provider is one failed row, never stored; the next run asks again', async () => {
    const { work, writer } = space;
    const plain = openAIEmbeddingsHandler();
    let zero = true;
    server.setRoute(openAIEmbeddingsRoute, async (request, context) => {
      const response = await plain(request, context);
      const body = request.json as OpenAIEmbeddingsRequestBody;
      const data = (response.body as { data: { embedding: unknown }[] }).data;
      (body.input as string[]).forEach((text, index) => {
        if (!zero || !text.includes('ZERO')) return;
        const empty = new Float32Array(dimensions);
        data[index]!.embedding =
          body.encoding_format === 'base64' ? float32ToBase64(empty) : Array.from(empty);
      });
      return response;
    });
    const table = join(work, 'zero');
    const ledger = join(work, 'zero.db');
    const uri = `pglite://${join(work, 'zero-sink')}?table=tickets`;
    await writer.request({
      op: 'create',
      path: table,
      rows: [row(1, 'one'), row(2, 'a ZERO vector comes back'), row(3, 'three')],
    });
    const env = { OPENAI_API_KEY: 'sk-test-zero', OPENAI_BASE_URL: `${server.url}/v1` };
    const first = await run(argsFor('embed', table, uri, ledger), env);
    expect(first.code, first.stderr).toBe(3);
    expect(parseJson(first)).toMatchObject({
      status: 'partial',
      rowsFailed: 1,
      rowsEmbedded: 2,
      failures: [{ key: '2', code: 'invalid-vector' }],
    });
    const sink = pgvectorSink('zero', uri, model, dimensions);
    expect([...(await sink.read()).values()].map((point) => point.key).sort()).toEqual(['1', '3']);
    zero = false;
    const second = await run(argsFor('embed', table, uri, ledger), env);
    expect(parseJson(second)).toMatchObject({
      status: 'succeeded',
      rowsEmbedded: 1,
      rowsDeduped: 2,
    });
    expect((await sink.read()).size).toBe(3);
  });
});
