import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shadowRunArgs } from './cli-args.js';
import { parseJson, runDrift } from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { expectConverged } from './cli-state.js';
import { testSeed, useCliWorkspace } from './cli-workspace.js';

describe('drift watch killed with SIGKILL at random moments', () => {
  const space = useCliWorkspace('kill', { writer: true });

  it('a re-run after each kill converges to one point per live row with text, and the ledger agrees', async () => {
    const { work, writer, env } = space;
    const { seed, random } = testSeed('cli-watch-kill');
    const tablePath = join(work, 'tickets');
    // A real PostgreSQL when the test services run one; the embedded PGlite otherwise.
    const sinkUri = process.env.DATABASE_URL
      ? `${process.env.DATABASE_URL.replace(/\?.*$/, '')}?table=drift_cli_kill_${seed}`
      : `pglite://${join(work, 'sink')}?table=tickets`;
    const ledger = join(work, 'ledger.db');
    const table = new RandomTable(random, writer);
    await table.create(tablePath, 400);
    const watchArgs = shadowRunArgs(
      'watch',
      { table: tablePath, sink: sinkUri, ledger },
      '--batch-size',
      '25',
    );

    // How long a whole run takes here, so kills land inside runs on slow and fast machines alike.
    let runMs = 3000;
    const kills: string[] = [];
    for (let round = 0; round < 4; round++) {
      if (round > 0) {
        await table.bulkMerge(80, 60, 30);
        await table.randomCommits(1);
      }
      // One or two kills, sometimes with a commit landing between the kill and the next run.
      const killCount = 1 + Math.floor(random() * 2);
      for (let kill = 0; kill < killCount; kill++) {
        const killAfterMs = Math.floor(300 + random() * runMs);
        const killed = await runDrift(watchArgs, { cwd: work, env, killAfterMs });
        kills.push(
          `round ${round}: kill at ${killAfterMs} ms -> ${killed.signal ?? `exit ${killed.code}`}`,
        );
        if (killed.signal === null) expect(killed.code, killed.stderr).toBe(0);
        if (random() < 0.3) await table.randomCommits(1);
        // Rows the killed run may have written and not recorded go (a delete the ledger drives).
        if (random() < 0.3) await table.deleteNewest(1 + Math.floor(random() * 10));
      }
      const started = performance.now();
      const run = await space.drift(watchArgs);
      runMs = Math.max(1000, performance.now() - started);
      const label = `round ${round}\n${kills.join('\n')}`;
      await expectConverged(run, table, sinkUri, ledger, label);
    }
    console.info(kills.join('\n'));

    const status = parseJson(
      await space.drift(['status', '--sink', sinkUri, '--ledger', ledger, '--json']),
    );
    expect(status).toMatchObject({ inStep: true });
    expect(status.checkpoints).toEqual([expect.objectContaining({ version: table.version })]);
    // Killed runs are in the ledger too, as running (their process is gone) or failed.
    const runs = parseJson(
      await space.drift([
        'runs',
        '--sink',
        sinkUri,
        '--ledger',
        ledger,
        '--limit',
        '100',
        '--json',
      ]),
    ).runs as { status: string }[];
    expect(runs.filter((run) => run.status === 'succeeded').length).toBeGreaterThanOrEqual(4);
  });
});
