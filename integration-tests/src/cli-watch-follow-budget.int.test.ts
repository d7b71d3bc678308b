import { join } from 'node:path';
import type { TestServer } from '@drift-spark/provider-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions, model } from './cli-args.js';
import { followArgs, scrape, sleep, startFaultyProvider, startFollow } from './cli-follow.js';
import { childEnv, parseJson } from './cli-harness.js';
import { readSink } from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';

/** Issue 13: `drift watch --follow --max-cost-per-day` pauses embedding, not deletes, once the day is spent. */
describe('drift watch --follow --max-cost-per-day', () => {
  const space = useCliWorkspace('follow-budget', { writer: true });
  let server: TestServer;
  const served = { errors: 0, rateLimited: 0 };

  beforeAll(async () => {
    // The same faulty provider as the 5-minute follow test: the budget holds under retries.
    server = await startFaultyProvider(testSeed('cli-watch-follow-budget').random, served);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('--max-cost-per-day: once the day is spent, embedding pauses and deletes still apply; status and metrics say so', async () => {
    const { work, writer } = space;
    const tablePath = join(work, 'budget');
    const sinkUri = `pglite://${join(work, 'budget-sink')}?table=tickets`;
    const ledger = join(work, 'budget.db');
    const row = (id: number) => ({
      id,
      body: `budget ticket ${id}: the export stops after ten thousand rows`,
      category: null,
      n: id,
    });
    await writer.request({
      op: 'create',
      path: tablePath,
      rows: Array.from({ length: 20 }, (_, i) => row(i + 1)),
    });
    const env = childEnv(work, {
      OPENAI_API_KEY: 'sk-test-budget',
      OPENAI_BASE_URL: `${server.url}/v1`,
    });
    // At $1000 per 1M tokens a row costs about $0.015: the 20 rows of the bootstrap fit in
    // $0.40, the 20 rows inserted next do not.
    const follow = startFollow(
      followArgs(
        { table: tablePath, sink: sinkUri, ledger },
        '1s',
        '--price',
        '1000',
        '--max-cost-per-day',
        '0.4',
      ),
      { cwd: work, env },
    );
    const until = async (what: string, check: (metrics: Map<string, number>) => boolean) => {
      for (let waited = 0; ; waited++) {
        while (follow.port === undefined) await sleep(100);
        const metrics = await scrape(follow.port);
        if (check(metrics)) return metrics;
        expect(waited, what).toBeLessThan(120);
        await sleep(1000);
      }
    };
    await until('bootstrap', (metrics) => metrics.get('drift_checkpoint_version') === 0);
    const { version } = await writer.request({
      op: 'merge',
      upserts: Array.from({ length: 20 }, (_, i) => row(i + 101)),
      deletes: [1, 2],
    });
    const paused = await until(
      'budget spent',
      (metrics) => metrics.get('drift_budget_exhausted') === 1,
    );
    await until(
      'deletes applied',
      (metrics) => (metrics.get('drift_rows_deleted_total') ?? 0) >= 2,
    );
    expect(paused.get('drift_checkpoint_version')).toBe(0);
    expect(paused.get('drift_cost_today_usd')).toBeLessThanOrEqual(0.4);
    follow.child!.kill('SIGTERM');
    const run = await follow.exited;
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(run.stderr).toMatch(/daily budget of \$0\.4000 spent/);
    // The sink's folder is free once drift is gone: status reads the pause from the ledger.
    const status = parseJson(
      await space.drift(
        ['status', '--sink', sinkUri, '--ledger', ledger, '--table', tablePath, '--json'],
        env,
      ),
    );
    expect(status.freshness).toMatchObject({
      latestVersion: version,
      checkpointVersion: 0,
      backlogVersions: 1,
      budgetExhausted: true,
    });
    const keys = new Set(
      [...(await readSink(sinkUri, model, dimensions)).values()].map((point) => point.key),
    );
    expect(keys.has('1') || keys.has('2')).toBe(false);
    expect(keys.has('3')).toBe(true);
  });
});
