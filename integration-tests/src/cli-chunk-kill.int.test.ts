import { join } from 'node:path';
import { parseChunkSpec } from '@drift-spark/core/internal';
import { createOpenAIEmbedder } from '@drift-spark/provider-openai';
import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '@drift-spark/provider-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { model } from './cli-args.js';
import { chunkRunArgs, expectedChunks, expectSinkHoldsChunks } from './cli-chunk-state.js';
import { parseJson, runDrift } from './cli-harness.js';
import { ledgerPointCount } from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';
import { MarkdownDocsTable } from './markdown-docs.js';

const spec = 'markdown';

/**
 * A row of chunks is many points written over several batches: a process killed between
 * them leaves some chunks of a document new and some old, or some written and unrecorded.
 * Long Markdown documents edited by a real Delta writer, `drift watch --chunk` killed at
 * random moments (sometimes with an edit landing before the next run): each run after the
 * kills leaves exactly the chunks of the current documents, and the ledger agrees.
 */
describe('drift watch --chunk killed with SIGKILL at random moments', () => {
  const space = useCliWorkspace('chunk-kill');
  let server: TestServer;
  beforeAll(async () => {
    // each call answers after 100 ms, so a run lasts long enough for kills to land in it
    server = await startTestServer({
      [openAIEmbeddingsRoute]: openAIEmbeddingsHandler({ delayMs: 100 }),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a re-run after each kill holds exactly the chunks of the current documents', async () => {
    const { work } = space;
    const { seed, random } = testSeed('cli-chunk-kill');
    const table = new MarkdownDocsTable(join(work, 'docs'));
    table.create({ documents: 40, tokens: 2000, seed });
    // A real PostgreSQL when the test services run one; the embedded PGlite otherwise.
    const sink = process.env.DATABASE_URL
      ? `${process.env.DATABASE_URL.replace(/\?.*$/, '')}?table=drift_chunk_kill_${seed}`
      : `pglite://${join(work, 'sink')}?table=docs`;
    const ledger = join(work, 'ledger.db');
    const env = {
      ...space.env,
      OPENAI_API_KEY: 'sk-test-chunk-kill',
      OPENAI_BASE_URL: `${server.url}/v1`,
    };
    const args = (command: string) =>
      chunkRunArgs(command, { table: table.path, sink, ledger }, spec, 2);
    const tokenizer = createOpenAIEmbedder({ model, apiKey: 'unused' }).countTokens;
    const edit = () =>
      table.edit({
        seed: Math.floor(random() * 1e9),
        editDocuments: 8 + Math.floor(random() * 16),
        insertDocuments: random() < 0.5 ? 1 : 0,
        deleteDocuments: random() < 0.4 ? 1 : 0,
        tokens: 2000,
      });

    // How long a whole run takes here, so kills land inside runs on slow and fast machines alike.
    let runMs = 1500;
    const log: string[] = [];
    for (let round = 0; round < 4; round++) {
      const command = round === 0 ? 'embed' : 'watch';
      if (round > 0) log.push(`round ${round}: ${JSON.stringify(edit())}`);
      const killCount = 1 + Math.floor(random() * 2);
      for (let kill = 0; kill < killCount; kill++) {
        const killAfterMs = Math.floor(300 + random() * runMs);
        const killed = await runDrift(args(command), { cwd: work, env, killAfterMs });
        log.push(
          `round ${round}: ${command} killed at ${killAfterMs} ms -> ${killed.signal ?? `exit ${killed.code}`}`,
        );
        if (killed.signal === null) expect(killed.code, killed.stderr).toBe(0);
        if (random() < 0.3) log.push(`round ${round}: between kills ${JSON.stringify(edit())}`);
      }
      const started = performance.now();
      const run = await runDrift(args(command), { cwd: work, env });
      runMs = Math.max(1000, performance.now() - started);
      const label = `seed ${seed}, round ${round}\n${log.join('\n')}`;
      expect(run.code, `${label}\n${run.stderr}`).toBe(0);
      const result = parseJson(run);
      const { version, rows } = table.rows();
      expect(result, label).toMatchObject({
        status: 'succeeded',
        rowsFailed: 0,
        ...(command === 'watch' ? { toVersion: version } : {}),
      });
      const expected = expectedChunks(String(result.source), rows, parseChunkSpec(spec), tokenizer);
      await expectSinkHoldsChunks(sink, expected, label);
      expect(await ledgerPointCount(ledger, String(result.sink)), `${label}\nledger`).toBe(
        expected.size,
      );
    }
    console.info(log.join('\n'));
  });
});
