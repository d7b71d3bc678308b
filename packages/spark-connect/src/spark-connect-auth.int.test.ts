// A second real Spark Connect server, started by this test with a token and with result
// streams cut after 1 s or 123 bytes (Spark's own way to force reattach), so the client's
// token handling and ReattachExecute loop run against the real server.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSparkConnectClient } from './spark-connect-client.js';
import { sparkFailure } from './testing/spark-failure.js';

const script = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../scripts/services/spark.sh',
);
const port = process.env.DRIFT_SPARK_AUTH_PORT ?? '15012';
const token = randomBytes(16).toString('hex');
const environment = {
  ...process.env,
  DRIFT_SPARK_PORT: port,
  DRIFT_SPARK_TOKEN: token,
  DRIFT_SPARK_CONF:
    '--conf spark.connect.execute.reattachable.senderMaxStreamDuration=1s --conf spark.connect.execute.reattachable.senderMaxStreamSize=123',
};
const address = `sc://127.0.0.1:${port}`;

beforeAll(() => {
  const output = execFileSync('bash', [script, 'start'], {
    env: environment,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  expect(output).toContain(`export SPARK_REMOTE=${address}/;token=`);
}, 900_000);

afterAll(() => {
  execFileSync('bash', [script, 'stop'], { env: environment, stdio: 'inherit' });
}, 120_000);

describe('a real Spark Connect server with a token and forced reattach', () => {
  it('refuses a call without a token', async () => {
    const client = createSparkConnectClient({ remote: address });
    const error = await sparkFailure(client.sparkVersion());
    await client.close();
    expect(error.code).toBe('spark-connect/unauthenticated');
    expect(error.message).toContain('No authentication token provided');
  });

  it('refuses a wrong token, without repeating it', async () => {
    const client = createSparkConnectClient({
      remote: `${address}/;token=not-the-token;use_ssl=false`,
    });
    const error = await sparkFailure(client.sparkVersion());
    await client.close();
    expect(error.code).toBe('spark-connect/unauthenticated');
    expect(error.message).toContain('Invalid authentication token');
    expect(error.message).not.toContain('not-the-token');
  });

  it('accepts the token and resumes cut result streams until every row arrived', async () => {
    const client = createSparkConnectClient({ remote: `${address}/;token=${token};use_ssl=false` });
    expect(await client.sparkVersion()).toMatch(/^4\./);
    // One Arrow batch per partition, each above the 123-byte limit: the server cuts the stream after each.
    let total = 0n;
    let count = 0;
    for await (const rows of client
      .sql("SELECT id, repeat('x', 100) AS pad FROM range(0, 5000, 1, 4)")
      .rows()) {
      for (const row of rows) {
        total += row.id as bigint;
        count++;
      }
    }
    const stats = client.stats();
    await client.close();
    expect(count).toBe(5000);
    expect(total).toBe((4999n * 5000n) / 2n);
    expect(stats.reattaches).toBeGreaterThan(0);
  });
});
