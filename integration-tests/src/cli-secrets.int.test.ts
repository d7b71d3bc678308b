import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLedger } from '@drift-spark/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openAIEmbeddingsHandler,
  openAIEmbeddingsRoute,
  startTestServer,
  type TestServer,
} from '../../tooling/provider-test-server/src/index.js';
import { startQdrantStandIn } from '../../tooling/qdrant-stand-in/src/server.mjs';
import { shadowArgs } from './cli-args.js';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  type DriftRun,
  pythonPath,
  runDrift,
  sha256,
} from './cli-harness.js';

/**
 * Every command, its --json and its error paths, run with a secret in every place a
 * secret can be given (a URI's password, with `/ @ : %` in it; URI parameters; the
 * credential variables of the environment; a Spark Connect token), then every output
 * and the ledger's bytes are searched for each secret. Also: a rejected input's text,
 * with --no-store-content, is nowhere in the ledger (its hash and length are).
 * Needs DATABASE_URL (scripts/with-services.sh, DRIFT_SERVICES=postgres).
 */

const pgPassword = 'pg/Pa@ss:wd%41-pgUriSecret1a';
const secrets = {
  pgPassword,
  pgPasswordEncoded: encodeURIComponent(pgPassword),
  pgPasswordCore: 'pgUriSecret1a',
  pgParam: 'pgParamSecret2b',
  pgSlash: 'slash/pgSlashSecret3c',
  openai: 'sk-openAIEnvSecret4d',
  qdrantEnv: 'qdrantEnvSecret5e',
  pgEnv: 'pgEnvSecret6f',
  qdrantUserInfo: 'qdrantUriSecret7g',
  qdrantParam: 'qdrantParamSecret8h',
  sparkToken: 'sparkTokenSecret9i',
  awsSecret: 'awsEnvSecret0j/xyz',
};

const rows = Array.from({ length: 12 }, (_, index) => ({
  id: index + 1,
  body: `ticket ${index + 1}: the printer on floor ${index} jams when printing invoices, says customer ${index * 7}`,
  category: 'it',
  n: index,
}));
const rejectedText = rows[4]!.body;

describe('no credential and no refused text in any output or in the ledger', () => {
  let work: string;
  let table: string;
  let ledgerFile: string;
  let provider: TestServer;
  let qdrant: { url: string; close(): Promise<void> };
  let writer: DeltaWriter;
  let env: NodeJS.ProcessEnv;
  let pgSink: string;
  let pgSlashSink: string;
  let unreachablePg: string;
  const runs: { args: string[]; run: DriftRun }[] = [];

  const drift = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const run = await runDrift(args, { cwd: work, env: { ...env, ...extra } });
    runs.push({ args, run });
    return run;
  };
  /** Every command, once as text and once with --json. */
  const both = async (args: string[]) => [await drift(args), await drift([...args, '--json'])];

  beforeAll(async () => {
    assertBuilt();
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl)
      throw new Error('DATABASE_URL is not set: run under scripts/with-services.sh');
    work = mkdtempSync(join(tmpdir(), 'drift-cli-secrets-'));
    table = join(work, 'tickets');
    ledgerFile = join(work, 'ledger.db');
    provider = await startTestServer({
      [openAIEmbeddingsRoute]: openAIEmbeddingsHandler({
        // A server that quotes the input it refuses, as some OpenAI-compatible servers do.
        reject: (text) => (text === rejectedText ? `Invalid input: '${text}'` : undefined),
      }),
    });
    qdrant = await startQdrantStandIn({ apiKey: secrets.qdrantEnv });
    env = childEnv(work, {
      DRIFT_LEDGER: ledgerFile,
      OPENAI_API_KEY: secrets.openai,
      OPENAI_BASE_URL: `${provider.url}/v1`,
      QDRANT_API_KEY: secrets.qdrantEnv,
      PGPASSWORD: secrets.pgEnv,
      AWS_SECRET_ACCESS_KEY: secrets.awsSecret,
    });
    // The test server's PostgreSQL trusts local users: any password is accepted, and sent.
    const server = new URL(databaseUrl);
    const base = `postgres://${server.username || 'postgres'}:${secrets.pgPasswordEncoded}@${server.host}${server.pathname}`;
    pgSink = `${base}?table=secrets_docs&password=${secrets.pgParam}`;
    pgSlashSink = `postgres://${server.username || 'postgres'}:${secrets.pgSlash}@${server.host}${server.pathname}?table=t`;
    unreachablePg = `postgres://postgres:${secrets.pgPasswordEncoded}@127.0.0.1:1/app?table=t&password=${secrets.pgParam}`;
    writer = new DeltaWriter(pythonPath());
    await writer.request({ op: 'create', path: table, rows: rows.slice(0, 10) });
  });

  afterAll(async () => {
    writer?.close();
    await provider?.close();
    await qdrant?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('runs every command with secrets everywhere and finds none of them in any output or the ledger', async () => {
    const run = ['--table', table, '--text-col', 'body'];
    // embed: one input is refused (partial, exit 3), the rest lands in PostgreSQL.
    const embedded = await drift(['embed', ...run, '--sink', pgSink, '--no-store-content']);
    expect(embedded.code, embedded.stderr).toBe(3);
    expect(embedded.stdout).toMatch(/next: drift search --sink/);
    await drift(['embed', ...run, '--sink', pgSink, '--no-store-content', '--json']);
    // watch: new rows after the embed.
    await writer.request({ op: 'append', rows: rows.slice(10) });
    const watched = await drift(['watch', ...run, '--sink', pgSink, '--no-store-content']);
    expect([0, 3]).toContain(watched.code);
    await drift(['watch', ...run, '--sink', pgSink, '--no-store-content', '--json']);
    // Qdrant, with the key from QDRANT_API_KEY.
    const qdrantSink = `${qdrant.url.replace(/^http/, 'qdrant')}/secrets_docs`;
    const intoQdrant = await drift(['embed', ...run, '--sink', qdrantSink]);
    expect(intoQdrant.code, intoQdrant.stderr).toBe(3);
    await both(['status', '--sink', qdrantSink]);

    for (const args of [
      ['status', '--sink', pgSink],
      ['runs', '--sink', pgSink],
      ['runs', '--sink', unreachablePg],
      ['runs'],
      ['cost', '--by', 'sink'],
      ['cost', '--by', 'run'],
      ['provenance', '--key', '1', '--table', table, '--sink', pgSink],
      ['search', '--sink', pgSink, 'printer jams'],
      ['search', '--sink', `${pgSink.replace('secrets_docs', 'empty_docs')}`, 'printer jams'],
    ])
      await both(args);

    // The error paths: an unreachable server, URIs that do not parse, credentials where none belong.
    for (const sink of [
      unreachablePg,
      pgSlashSink,
      `qdrant://${secrets.qdrantUserInfo}@127.0.0.1:6333/docs`,
      `qdrant://127.0.0.1:6333/docs?api_key=${secrets.qdrantParam}`,
      `postgres:${secrets.pgPasswordEncoded}@127.0.0.1/app`,
      `milvus://root:${secrets.pgPasswordEncoded}@127.0.0.1:19530/docs`,
    ]) {
      const [text, json] = await both(['embed', ...run, '--shadow-mode', '--sink', sink]);
      expect(text!.code).not.toBe(0);
      expect(json!.code).not.toBe(0);
      await both(['status', '--sink', sink]);
      await both(['search', '--sink', sink, '--shadow-mode', 'printer']);
    }
    await both([
      'embed',
      ...run,
      '--shadow-mode',
      '--spark',
      `sc://127.0.0.1:1/;token=${secrets.sparkToken};use_ssl=false`,
    ]);
    await both(
      shadowArgs(
        'watch',
        'main.support.tickets',
        '--spark',
        `sc://127.0.0.1:1/;token=${secrets.sparkToken}`,
      ),
    );

    const leaks: string[] = [];
    for (const { args, run: result } of runs) {
      for (const [name, secret] of Object.entries(secrets)) {
        for (const [stream, text] of [
          ['stdout', result.stdout],
          ['stderr', result.stderr],
        ] as const) {
          if (text.includes(secret))
            leaks.push(`${name} in the ${stream} of drift ${args.join(' ')}:\n${text}`);
        }
      }
      if (`${result.stdout}${result.stderr}`.includes(rejectedText.slice(0, 30)))
        leaks.push(`the refused text in the output of drift ${args.join(' ')}`);
    }
    expect(leaks).toEqual([]);

    const bytes = [ledgerFile, `${ledgerFile}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    for (const [name, secret] of Object.entries(secrets))
      expect(bytes.includes(secret), `${name} is in the ledger file`).toBe(false);
    expect(bytes).not.toContain(rejectedText.slice(10, 40));

    // What the ledger keeps of the refused input: its hash and length, a reason without it.
    const ledger = createSqliteLedger({ path: ledgerFile });
    try {
      const failures = await ledger.failures({});
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure).toMatchObject({
          key: '5',
          code: 'input-rejected',
          contentHash: sha256(rejectedText),
          textLength: rejectedText.length,
        });
        expect(failure.reason).not.toContain('printer');
      }
    } finally {
      await ledger.close();
    }
  });
});
