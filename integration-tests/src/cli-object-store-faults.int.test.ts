import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, parseJson, runDrift } from './cli-harness.js';
import { expectedPoints, readSink } from './cli-state.js';
import { type Fault, startFaultProxy } from './fault-proxy.js';
import { useStoreWorkspace, writeSeededTable } from './object-store-cli.js';
import { createBucket, deltalakeS3Options, s3Environment, startS3 } from './object-store-s3.js';

const credentials = { accessKeyId: 'AKIADRIFTFAULTS00001', secretAccessKey: 'drift-fault-secret' };
const faults: Fault[] = [
  'slow-down',
  'pass',
  'drop',
  'pass',
  'server-error',
  'pass',
  'cut-body',
  'pass',
];

describe('drift on a store that throttles, fails and drops connections', () => {
  const space = useStoreWorkspace('faults', startS3, (s3) =>
    createBucket(s3.endpoint, credentials, 'faults').catch(() => {}),
  );

  it('half the requests fail (503 SlowDown, 500, dropped, cut mid-body): embed and watch finish with the same sink as without faults', async () => {
    const { work, writer, store: s3 } = space;
    const { seed, table } = await writeSeededTable(
      'cli-object-store-faults',
      writer,
      (seed) => `s3://faults/t${seed}/tickets`,
      { storageOptions: deltalakeS3Options(s3.endpoint, credentials), firstCommits: 2 },
    );
    const uri = `s3://faults/t${seed}/tickets`;

    const proxy = await startFaultProxy(s3.endpoint, (n) => faults[n % faults.length]!);
    try {
      const sink = `pglite://${join(work, 'sink')}?table=t`;
      const env = childEnv(work, s3Environment(proxy.url, credentials));
      const args = (command: string) => [
        command,
        '--table',
        uri,
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        sink,
        '--ledger',
        join(work, 'ledger.db'),
        '--json',
      ];
      for (const command of ['embed', 'watch']) {
        if (command === 'watch') await table.randomCommits(2);
        const run = await runDrift(args(command), { cwd: work, env });
        expect(run.code, run.stderr).toBe(0);
        const result = parseJson(run);
        expect(result.status).toBe('succeeded');
        const expected = expectedPoints(String(result.source), table.rows.values());
        expect(await readSink(sink, 'openai/text-embedding-3-small', 1536), command).toEqual(
          expected,
        );
      }
      for (const fault of faults) expect(proxy.counts[fault], fault).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});
