import { join } from 'node:path';
import type { TestServer } from '@drift-spark/provider-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followArgs, scrape, sleep, startFaultyProvider, startFollow } from './cli-follow.js';
import { childEnv, parseJson, seededRandom } from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints, expectSinkEqualsTable, ledgerPointCount } from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';

/** The issue asks for 5 minutes; a local run may take less (DRIFT_FOLLOW_TEST_SECONDS=60). */
const durationMs = Number(process.env.DRIFT_FOLLOW_TEST_SECONDS ?? 300) * 1000;
const intervalS = 2;

/**
 * Issue 13, "What must be true", third item: a `--follow` process runs for 5 minutes
 * while a real Delta writer (delta-rs) commits every few seconds and the provider fails
 * 10% of calls (500s and 429s); after SIGTERM it exits 0, the sink equals the table, and
 * the metrics endpoint, scraped every second, reported a lag under 2 intervals most of
 * the time.
 */
describe('drift watch --follow', () => {
  const space = useCliWorkspace('follow', { writer: true });
  let server: TestServer;
  const served = { errors: 0, rateLimited: 0 };

  beforeAll(async () => {
    server = await startFaultyProvider(testSeed('cli-watch-follow').random, served);
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`applies every version for ${durationMs / 1000}s under provider faults, exits 0 on SIGTERM, sink = table, lag < 2 intervals`, async () => {
    const { work, writer } = space;
    const random = seededRandom(Number(process.env.DRIFT_TEST_SEED ?? 7));
    const tablePath = join(work, 'tickets');
    const sinkUri = `pglite://${join(work, 'sink')}?table=tickets`;
    const ledger = join(work, 'ledger.db');
    const table = new RandomTable(random, writer);
    await table.create(tablePath, 40);

    const follow = startFollow(
      followArgs({ table: tablePath, sink: sinkUri, ledger }, `${intervalS}s`),
      {
        cwd: work,
        env: childEnv(work, {
          OPENAI_API_KEY: 'sk-test-follow',
          OPENAI_BASE_URL: `${server.url}/v1`,
        }),
      },
    );
    /** Fails with drift's own words if it is gone. */
    const alive = () => {
      if (follow.ended)
        throw new Error(
          `drift exited early (${follow.ended.code}):\n${follow.ended.stderr.slice(-4000)}`,
        );
    };
    const sample = async () => {
      alive();
      return scrape(follow.port!);
    };
    while (follow.port === undefined) {
      alive();
      await sleep(100);
    }

    // The writer commits every 2 to 4 seconds; the scraper samples the lag every second
    // once the bootstrap is done (a checkpoint exists).
    const lags: number[] = [];
    const ends = Date.now() + durationMs;
    const scraping = (async () => {
      while (Date.now() < ends) {
        const metrics = await sample();
        if (metrics.has('drift_checkpoint_version')) lags.push(metrics.get('drift_lag_seconds')!);
        await sleep(1000);
      }
    })();
    let commits = 0;
    while (Date.now() < ends) {
      await table.randomCommit();
      commits++;
      await sleep(2000 + random() * 2000);
    }
    await scraping;
    await table.verify();

    // Let it catch up with the last commit, then stop it.
    let metrics = await sample();
    for (let waited = 0; metrics.get('drift_checkpoint_version') !== table.version; waited++) {
      expect(waited, 'caught up with the last commit within 2 minutes').toBeLessThan(120);
      await sleep(1000);
      metrics = await sample();
    }
    follow.child!.kill('SIGTERM');
    const run = await follow.exited;
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(run.stderr).toMatch(/stopped: \d+ versions applied/);

    // drift status --table: the lag and backlog the loop left, from the table and the ledger.
    const status = parseJson(
      await space.drift([
        'status',
        '--sink',
        sinkUri,
        '--ledger',
        ledger,
        '--table',
        tablePath,
        '--json',
      ]),
    );
    expect(status.freshness).toMatchObject({
      latestVersion: table.version,
      checkpointVersion: table.version,
      backlogVersions: 0,
      lagSeconds: 0,
    });
    const sourceId = (status.freshness as { sourceId?: string }).sourceId;
    expect(sourceId).toBeDefined();
    const expected = expectedPoints(sourceId!, table.rows.values());
    await expectSinkEqualsTable(sinkUri, expected, 'after SIGTERM');
    expect(await ledgerPointCount(ledger, `pglite://${join(work, 'sink')}?table=tickets`)).toBe(
      expected.size,
    );

    // The provider did fail, and the loop said so in its metrics while it went on.
    expect(metrics.get('drift_retries_total')).toBe(served.errors + served.rateLimited);
    expect(metrics.get('drift_rate_limited_total')).toBe(served.rateLimited);
    expect(served.rateLimited).toBeGreaterThan(0);
    expect(metrics.get('drift_rows_embedded_total')).toBeGreaterThan(0);
    const fresh = lags.filter((lag) => lag < 2 * intervalS).length;
    console.info(
      `cli-watch-follow: ${commits} commits, ${lags.length} lag samples, ${fresh} under ${2 * intervalS}s, max ${Math.max(...lags).toFixed(1)}s`,
    );
    // Samples start once the bootstrap (PGlite start, first embeddings) is done.
    expect(lags.length).toBeGreaterThan(Math.max(5, (durationMs - 30_000) / 2000));
    expect(fresh / lags.length).toBeGreaterThan(0.8);
  });
});
