import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSqliteLedger } from '@drift-spark/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  parseJson,
  pythonPath,
  repoRoot,
  runDrift,
  seededRandom,
} from './cli-harness.js';
import { query } from './cli-pg-query.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints, readSink } from './cli-state.js';
import { fetchModels, wordnetCorpus } from './real-corpus.js';

// Two real local models of different dimensions ($0, tokens counted), on real text: GloVe word
// vectors (fast) for the live index, paraphrase-MiniLM-L3-v2 (ONNX) for the new one.
const modelA = { id: 'local/glove-6B-50d', dimensions: 50 };
const modelB = { id: 'local/paraphrase-MiniLM-L3-v2', dimensions: 384 };
// WordNet glosses in the table; DRIFT_MIGRATE_ROWS makes it smaller to iterate on a busy machine.
const rowCount = Number(process.env.DRIFT_MIGRATE_ROWS ?? 5000);

describe('drift migrate: a live index moves to a model of another dimension', () => {
  let work: string;
  let writer: DeltaWriter;
  let modelsDir: string;
  beforeAll(() => {
    assertBuilt();
    if (!process.env.DATABASE_URL)
      throw new Error(
        'This test needs PostgreSQL (a watch runs beside the backfill): run it through scripts/with-services.sh with DRIFT_SERVICES=postgres.',
      );
    work = mkdtempSync(join(tmpdir(), 'drift-cli-migrate-'));
    writer = new DeltaWriter(pythonPath());
    modelsDir = fetchModels();
  }, 600_000);
  afterAll(() => {
    writer?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('backfill killed twice pays once; watch keeps both sinks equal to the table; cutover, rollback and finish move the view', async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-migrate seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const random = seededRandom(seed);
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const base = process.env.DATABASE_URL!.replace(/\?.*$/, '');
    const tableA = `mig_${seed}`;
    const sinkA = `${base}?table=${tableA}`;
    const sinkB = `${base}?table=${tableA}_minilm`;
    const view = `${tableA}_live`;
    const ledgerPath = join(work, 'ledger.db');
    const env = childEnv(work, { DRIFT_MODELS_DIR: modelsDir });
    const drift = (args: string[], extra: Partial<Parameters<typeof runDrift>[1]> = {}) =>
      runDrift([...args, '--ledger', ledgerPath], { cwd: work, env, ...extra });
    const tablePath = wordnetCorpus(join(work, 'wordnet'), {
      passages: rowCount,
      queries: 20,
    }).table;
    const table = new RandomTable(random, writer);
    await table.open(tablePath);
    expect(table.rows.size).toBe(rowCount);

    const embedded = await drift([
      'embed',
      '--table',
      tablePath,
      '--text-col',
      'body',
      '--model',
      modelA.id,
      '--sink',
      sinkA,
      '--json',
    ]);
    expect(embedded.code, embedded.stderr).toBe(0);
    console.info(`cli-migrate: ${rowCount} rows embedded with ${modelA.id} at ${elapsed()}`);
    const sourceId = parseJson(embedded).source as string;
    const watch = () =>
      drift([
        'watch',
        '--table',
        tablePath,
        '--text-col',
        'body',
        '--model',
        modelA.id,
        '--sink',
        sinkA,
        '--json',
      ]);
    const start = [
      'migrate',
      'start',
      '--table',
      tablePath,
      '--text-col',
      'body',
      '--from',
      sinkA,
      '--to-model',
      modelB.id,
      '--to-sink',
      sinkB,
      '--alias',
      view,
      '--batch-size',
      '100',
      '--json',
    ];

    // The backfill is killed with SIGKILL twice, once it has written part of SINK_B.
    const ledger = createSqliteLedger({ path: ledgerPath });
    const pointsOfB = async () => {
      const migration = (await ledger.migrations.list({ open: true }))[0];
      return migration ? ledger.countPoints(migration.toSinkId) : 0;
    };
    for (let kill = 0; kill < 2; kill++) {
      let child: ChildProcess | undefined;
      const running = drift(start, { onStart: (started) => (child = started) });
      const before = await pointsOfB();
      for (let waited = 0; waited < 120_000; waited += 100) {
        if ((await pointsOfB()) > before) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child?.kill('SIGKILL');
      const killed = await running;
      expect(killed.signal, `backfill ${kill} ended before the kill: ${killed.stderr}`).toBe(
        'SIGKILL',
      );
      // The table moves on meanwhile, and a watch applies it to SINK_A (SINK_B is not backfilled yet).
      await table.bulkMerge(40, 30, 20);
      await table.randomCommits(2);
      const during = await watch();
      expect(during.code, during.stderr).toBe(0);
      expect(during.stderr).toMatch(/still being backfilled/);
    }
    const resumed = await drift(start);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(parseJson(resumed).state).toBe('backfilled');
    console.info(`cli-migrate: backfilled with ${modelB.id} (killed twice) at ${elapsed()}`);

    // Paid once: no text was embedded twice into SINK_B, whatever the kills interrupted.
    const migration = (await ledger.migrations.list({ open: true }))[0]!;
    await ledger.close();
    const { default: Database } = (await import(
      pathToFileURL(
        createRequire(`${repoRoot}packages/ledger/package.json`).resolve('better-sqlite3'),
      ).href
    )) as {
      default: new (
        path: string,
        options: { readonly: boolean },
      ) => { prepare(sql: string): { all(...args: unknown[]): unknown[] }; close(): void };
    };
    const db = new Database(ledgerPath, { readonly: true });
    const paidTwice = db
      .prepare(
        `select point_id, content_hash, count(*) as n from history_view where sink_id = ? and action = 'upsert' and tokens > 0
         group by point_id, content_hash having count(*) > 1`,
      )
      .all(migration.toSinkId);
    db.close();
    expect(paidTwice).toEqual([]);

    // After the backfill, one watch applies inserts, updates and deletes to both sinks.
    await table.bulkMerge(50, 40, 30);
    const both = await watch();
    expect(both.code, both.stderr).toBe(0);
    const dual = parseJson(both).migration as Record<string, number>;
    expect(dual.inserted).toBeGreaterThan(0);
    expect(dual.updated).toBeGreaterThan(0);
    expect(dual.deleted).toBeGreaterThan(0);
    await table.verify();
    const truth = expectedPoints(sourceId, table.rows.values());
    expect(await readSink(sinkA, modelA.id, modelA.dimensions)).toEqual(truth);
    expect(await readSink(sinkB, modelB.id, modelB.dimensions)).toEqual(truth);

    // The gate wants an evaluation; then the view follows cutover and rollback.
    const refused = await drift(['migrate', 'cutover']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/run drift migrate eval first/);
    const evaluated = await drift(['migrate', 'eval', '--samples', '20', '--k', '5', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(parseJson(evaluated).sinkB).toMatchObject({ overlapAtK: 1 });
    const models = () =>
      query<{ model: string; n: string }>(
        sinkA,
        `select model, count(*) as n from ${view} group by model`,
      );
    expect((await drift(['migrate', 'cutover'])).code).toBe(0);
    expect(await models()).toEqual([{ model: modelB.id, n: String(truth.size) }]);
    expect((await drift(['migrate', 'rollback'])).code).toBe(0);
    expect(await models()).toEqual([{ model: modelA.id, n: String(truth.size) }]);
    const early = await drift(['migrate', 'finish', '--yes']);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/run drift migrate cutover first/);
    expect((await drift(['migrate', 'cutover'])).code).toBe(0);
    expect((await drift(['migrate', 'finish'])).code).toBe(2);
    const finished = await drift(['migrate', 'finish', '--yes', '--json']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(await query(sinkA, `select to_regclass('${tableA}') as gone`)).toEqual([{ gone: null }]);
    expect(await models()).toEqual([{ model: modelB.id, n: String(truth.size) }]);
    expect((await drift(['migrate', 'finish', '--yes'])).code).toBe(0);

    // The migration's runs are in the cost report.
    const costs = parseJson(await drift(['cost', '--by', 'run', '--json']));
    const costRuns = new Set(
      (costs.rows as { group: string }[] | undefined)?.map((row) => row.group) ?? [],
    );
    const check = createSqliteLedger({ path: ledgerPath });
    const linked = await check.migrations.runs(migration.id);
    await check.close();
    const backfills = linked.filter((run) => run.role === 'backfill');
    expect(backfills.length).toBe(3);
    expect(backfills.some((run) => costRuns.has(run.runId))).toBe(true);
    console.info(`cli-migrate: done at ${elapsed()}`);
  }, 900_000);
});
