import { join } from 'node:path';
import { pointId } from '@drift-spark/core';
import { createSqliteLedger } from '@drift-spark/ledger';
import {
  type OpenAIEmbeddingsRequestBody,
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Planter, pgvectorPlanter, qdrantPlanter } from './cli-drift-plant.js';
import { childEnv, parseJson, runDrift, type TicketRow } from './cli-harness.js';
import { pgvectorSink, qdrantSink, type SinkUnderTest } from './cli-sink-access.js';
import { expectedPoints, ledgerPointCount } from './cli-state.js';
import { useCliWork } from './cli-work.js';

const model = 'openai/text-embedding-3-small';
const dimensions = 1536;
const databaseUrl = process.env.DATABASE_URL;
const qdrantUrl = process.env.QDRANT_URL;

/** Issue 13, "drift verify and drift repair": each planted kind of drift found and repaired. */
describe('drift verify finds planted drift and drift repair brings it to zero, through the built binary', () => {
  const setup = useCliWork('drift-cli-verify-', {
    needs: ['DATABASE_URL', 'QDRANT_URL'],
    writer: true,
  });
  let server: TestServer;
  const token = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    server = await startTestServer();
    server.setRoute(openAIEmbeddingsRoute, openAIEmbeddingsHandler());
  });
  afterAll(async () => {
    await server?.close();
  });

  const cases = (): { sink: SinkUnderTest; planter: Planter }[] => {
    const { work } = setup;
    const pglite = `pglite://${join(work, 'pglite')}?table=tickets`;
    const postgres = `${databaseUrl!.replace(/\?.*$/, '')}?table=drift_verify_${token}`;
    return [
      {
        sink: pgvectorSink('pglite', pglite, model, dimensions),
        planter: pgvectorPlanter(pglite, model, dimensions),
      },
      {
        sink: pgvectorSink('postgres', postgres, model, dimensions),
        planter: pgvectorPlanter(postgres, model, dimensions),
      },
      {
        sink: qdrantSink(qdrantUrl!, `drift_verify_${token}`),
        planter: qdrantPlanter(qdrantUrl!, `drift_verify_${token}`, model, dimensions),
      },
    ];
  };

  for (const index of [0, 1, 2]) {
    it(`sink ${['pglite', 'postgres', 'qdrant'][index]}: a deleted point, an orphan, an altered hash, a lost ledger row`, async () => {
      const { sink, planter } = cases()[index]!;
      const { work, writer } = setup;
      const table = join(work, `table-${sink.name}`);
      const ledger = join(work, `ledger-${sink.name}.db`);
      const env = childEnv(work, {
        OPENAI_API_KEY: 'sk-test-verify',
        OPENAI_BASE_URL: `${server.url}/v1`,
      });
      const rows: TicketRow[] = Array.from({ length: 12 }, (_, i) => ({
        id: i + 1,
        body: `ticket ${i + 1} (${sink.name}): the invoice total is wrong by ${i} euros`,
        category: null,
        n: i,
      }));
      await writer.request({ op: 'create', path: table, rows });
      const drift = async (command: string, extra: string[], expectCode = 0) => {
        const run = await runDrift(
          [
            command,
            '--table',
            table,
            '--text-col',
            'body',
            '--sink',
            sink.uri,
            '--ledger',
            ledger,
            '--json',
            ...extra,
          ],
          { cwd: work, env },
        );
        expect(run.code, run.stderr).toBe(expectCode);
        return parseJson(run);
      };
      const billed = () =>
        server
          .requestsTo(openAIEmbeddingsRoute)
          .flatMap((request) => (request.json as OpenAIEmbeddingsRequestBody).input as string[]);

      const first = await drift('embed', []);
      expect(first).toMatchObject({ status: 'succeeded', rowsEmbedded: 12 });
      const sourceId = String(first.source);
      const sinkId = String(first.sink);
      expect(await drift('verify', [])).toMatchObject({ inStep: true });

      const id = (key: number) => pointId(sourceId, String(key));
      await sink.deletePoints([id(1)]);
      await planter.insert({
        id: id(99),
        key: '99',
        source: sourceId,
        contentHash: 'ab'.repeat(32),
      });
      await planter.setHash(id(2), 'cd'.repeat(32));
      const tampered = createSqliteLedger({ path: ledger });
      await tampered.commitBatch({
        runId: 'tamper',
        sinkId,
        upserts: [],
        deletes: [{ pointId: id(3), sourceId, key: '3' }],
        failures: [],
        at: new Date(),
      });
      await tampered.close();

      const found = await drift('verify', [], 4);
      expect(found).toMatchObject({
        inStep: false,
        tableRows: 12,
        drift: {
          missing: 1,
          orphan: 1,
          stale: 1,
          otherModel: 0,
          ledgerWithoutPoint: 0,
          unrecorded: 1,
        },
        examples: { missing: [id(1)], orphan: [id(99)], stale: [id(2)], unrecorded: [id(3)] },
      });

      const before = billed().length;
      const plan = await drift('repair', ['--dry-run']);
      expect(plan).toMatchObject({
        dryRun: true,
        plan: { sinkDeletes: 1, ledgerDrops: 2, adopted: 1, embed: { rowsToEmbed: 2 } },
      });
      expect(
        (plan.plan as { embed: { estimatedCostUsd: number } }).embed.estimatedCostUsd,
      ).toBeGreaterThan(0);
      expect(billed().length, 'a dry run calls no provider').toBe(before);

      const repaired = await drift('repair', []);
      expect(repaired).toMatchObject({
        dryRun: false,
        status: 'succeeded',
        embed: { rowsEmbedded: 2, rowsDeduped: 10 },
      });
      // Paid only for the deleted point's row and the altered one.
      expect(billed().slice(before).sort()).toEqual([rows[0]!.body!, rows[1]!.body!].sort());

      expect(await drift('verify', [])).toMatchObject({
        inStep: true,
        drift: { missing: 0, orphan: 0, stale: 0, unrecorded: 0 },
      });
      const expected = expectedPoints(sourceId, rows);
      const actual = await sink.read();
      expect(new Set(actual.keys())).toEqual(new Set(expected.keys()));
      for (const [point, wanted] of expected) expect(actual.get(point), wanted.key).toEqual(wanted);
      expect(await ledgerPointCount(ledger, sinkId)).toBe(12);
    });
  }
});
