import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSparkConnectClient, type SparkConnectClient } from '@drift-spark/spark-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, seededRandom } from './cli-harness.js';
import { enginePair } from './cli-spark-engines.js';
import { SparkRandomTable } from './cli-spark-random-table.js';

/**
 * Random Spark SQL histories (UPDATE, no-op UPDATE, DELETE, MERGE, INSERT, INSERT OVERWRITE,
 * REPLACE WHERE, OPTIMIZE) on a table with Change Data Feed on, followed by `drift watch`
 * through the Spark engine and through the native reader: after every watch both sinks hold
 * exactly the table's rows with text, with their current texts and hashes.
 */

const remote = process.env.SPARK_REMOTE;

describe('drift watch follows random Spark SQL commits, with both engines', () => {
  let spark: SparkConnectClient;
  let work: string;

  beforeAll(() => {
    if (!remote)
      throw new Error(
        'SPARK_REMOTE is not set: run `DRIFT_SERVICES=spark bash scripts/with-services.sh bash -c "cd integration-tests && npx vitest run src/cli-spark-random.int.test.ts"`.',
      );
    assertBuilt();
    // The client's own keepalive stays under the server's ping limit, so a statement that
    // takes minutes on a loaded machine still ends.
    spark = createSparkConnectClient({ remote });
    work = mkdtempSync(join(tmpdir(), 'drift-cli-spark-random-'));
  });
  afterAll(async () => {
    await spark?.close();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  // Several Spark commits and two drift runs per round: minutes on 2 shared cores.
  it('after embed and every watch, both sinks equal the table', {
    timeout: 1_800_000,
  }, async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-spark-random seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const random = seededRandom(seed);
    const tablePath = join(work, 'tickets');
    const table = new SparkRandomTable(spark, `delta.\`${tablePath}\``, random);
    const pair = enginePair({ work, tablePath, remote: remote!, env: childEnv(work) });

    await table.create(12);
    await table.verify();
    await pair.runBoth('embed', table.rows.values(), await table.version());
    const rounds = Number(process.env.DRIFT_TEST_ROUNDS ?? 3);
    for (let round = 0; round < rounds; round++) {
      const commits = 1 + Math.floor(random() * 3);
      for (let index = 0; index < commits; index++) await table.randomCommit();
      await table.verify();
      const label = `round ${round} (seed ${seed}: ${table.log.join('; ')})`;
      const { native } = await pair.runBoth(
        'watch',
        table.rows.values(),
        await table.version(),
        label,
      );
      expect(native.bootstrapped, label).toBe(false);
    }
  });
});
