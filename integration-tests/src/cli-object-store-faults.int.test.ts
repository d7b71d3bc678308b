import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  parseJson,
  pythonPath,
  runDrift,
  seededRandom,
} from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints, readSink } from './cli-state.js';
import { type Fault, startFaultProxy } from './fault-proxy.js';
import {
  createBucket,
  deltalakeS3Options,
  type S3Emulator,
  s3Environment,
  startS3,
} from './object-store-s3.js';

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
  let work: string;
  let writer: DeltaWriter;
  let s3: S3Emulator;

  beforeAll(async () => {
    assertBuilt();
    s3 = startS3();
    await createBucket(s3.endpoint, credentials, 'faults').catch(() => {});
    work = mkdtempSync(join(tmpdir(), 'drift-cli-faults-'));
    writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    s3?.stop();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('half the requests fail (503 SlowDown, 500, dropped, cut mid-body): embed and watch finish with the same sink as without faults', async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-object-store-faults seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const uri = `s3://faults/t${seed}/tickets`;
    const table = new RandomTable(seededRandom(seed), writer);
    await table.create(uri, 40, deltalakeS3Options(s3.endpoint, credentials));
    await table.randomCommits(2);
    await writer.request({ op: 'checkpoint' });
    await table.randomCommits(2);

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
