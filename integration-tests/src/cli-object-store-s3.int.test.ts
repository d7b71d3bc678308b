import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  type DriftRun,
  parseJson,
  pythonPath,
  runDrift,
  seededRandom,
} from './cli-harness.js';
import { RandomTable } from './cli-random-table.js';
import { expectedPoints, ledgerPointCount, readSink } from './cli-state.js';
import {
  copyPrefixToLocal,
  createBucket,
  deltalakeS3Options,
  type S3Emulator,
  s3Environment,
  startS3,
} from './object-store-s3.js';

const model = 'openai/text-embedding-3-small';
const dimensions = 1536;
// Distinctive, so a leak into any output or the ledger file is found by a plain search.
const credentials = {
  accessKeyId: 'AKIADRIFTTESTKEY0001',
  secretAccessKey: 'drift-test-secret-8d0c1f6e2b9a4c7d',
};

/** A run's counters, without what differs between two sinks, ledgers or runs. */
function counters(run: DriftRun): Record<string, unknown> {
  expect(run.code, run.stderr).toBe(0);
  const result = parseJson(run);
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(result)) {
    if (/^(runId|sink|ledger|table|durationS|startedAt|finishedAt)$/.test(name)) continue;
    kept[name] = value;
  }
  return kept;
}

describe('drift reads a Delta table in S3 (moto) exactly as the same table on local disk', () => {
  let work: string;
  let writer: DeltaWriter;
  let s3: S3Emulator;
  const outputs: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    s3 = startS3();
    await createBucket(s3.endpoint, credentials, 'lake');
    work = mkdtempSync(join(tmpdir(), 'drift-cli-s3-'));
    writer = new DeltaWriter(pythonPath());
  });
  afterAll(() => {
    writer?.close();
    s3?.stop();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  async function drift(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<DriftRun> {
    const env = childEnv(work, { ...s3Environment(s3.endpoint, credentials), ...extraEnv });
    const run = await runDrift(args, { cwd: work, env });
    outputs.push(run.stdout, run.stderr);
    return run;
  }

  it('embed, then watch over updates, deletes and a checkpoint: same counters, sink and ledger; no secret anywhere', async () => {
    const seed = Number(process.env.DRIFT_TEST_SEED ?? Math.floor(Math.random() * 1e9));
    console.info(`cli-object-store-s3 seed ${seed} (replay with DRIFT_TEST_SEED=${seed})`);
    const random = seededRandom(seed);
    const prefix = `t${seed}/tickets`;
    const bucketUri = `s3://lake/${prefix}`;
    const localCopy = join(work, 'tickets');
    const table = new RandomTable(random, writer);
    await table.create(bucketUri, 40, deltalakeS3Options(s3.endpoint, credentials));
    await table.randomCommits(3);
    await writer.request({ op: 'checkpoint' });
    await table.randomCommits(2);

    const sides = {
      bucket: {
        table: bucketUri,
        sink: `pglite://${join(work, 'sink-s3')}?table=t`,
        ledger: join(work, 's3.db'),
      },
      local: {
        table: localCopy,
        sink: `pglite://${join(work, 'sink-local')}?table=t`,
        ledger: join(work, 'local.db'),
      },
    };
    const args = (command: string, side: (typeof sides)['bucket']) => [
      command,
      '--table',
      side.table,
      '--text-col',
      'body',
      '--shadow-mode',
      '--sink',
      side.sink,
      '--ledger',
      side.ledger,
      '--batch-size',
      '16',
      '--json',
    ];
    const compare = async (command: string, label: string) => {
      rmSync(localCopy, { recursive: true, force: true });
      await copyPrefixToLocal(s3.endpoint, credentials, 'lake', prefix, localCopy);
      const fromBucket = await drift(args(command, sides.bucket));
      const fromDisk = await drift(args(command, sides.local));
      const bucketCounters = counters(fromBucket);
      expect(bucketCounters, `${label}: counters`).toEqual(counters(fromDisk));
      expect(bucketCounters.status, label).toBe('succeeded');
      // The source id is the Delta table id, wherever the table is read from.
      const sourceId = String(bucketCounters.source);
      const expected = expectedPoints(sourceId, table.rows.values());
      for (const side of [sides.bucket, sides.local]) {
        const actual = await readSink(side.sink, model, dimensions);
        expect(actual, `${label}: sink ${side.sink}`).toEqual(
          new Map([...expected].map(([id, point]) => [id, point])),
        );
        const sinkId = String(parseJson(side === sides.bucket ? fromBucket : fromDisk).sink);
        expect(await ledgerPointCount(side.ledger, sinkId), `${label}: ledger`).toBe(expected.size);
      }
    };

    await compare('embed', 'embed');
    for (let round = 0; round < 3; round++) {
      await table.randomCommits(1 + Math.floor(random() * 3));
      if (round === 1) await writer.request({ op: 'checkpoint' });
      await compare('watch', `watch round ${round}`);
    }

    for (const output of outputs) {
      expect(output).not.toContain(credentials.secretAccessKey);
    }
    for (const file of [sides.bucket.ledger]) {
      expect(readFileSync(file).includes(credentials.secretAccessKey), file).toBe(false);
      expect(readFileSync(file).includes(credentials.accessKeyId), file).toBe(false);
    }
  });

  it('wrong credentials: one line naming the object and the store code, exit 1, nothing written', async () => {
    const sink = join(work, 'sink-denied');
    const ledger = join(work, 'denied.db');
    const run = await drift(
      [
        'embed',
        '--table',
        's3://lake/denied/tickets',
        '--text-col',
        'body',
        '--shadow-mode',
        '--sink',
        `pglite://${sink}?table=t`,
        '--ledger',
        ledger,
        '--json',
      ],
      { AWS_ENDPOINT_URL: s3.authEndpoint },
    );
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /InvalidAccessKeyId on s3:\/\/lake\/denied\/tickets\/_delta_log.*check them/,
    );
    expect(run.stdout + run.stderr).not.toContain(credentials.secretAccessKey);
    expect(existsSync(sink)).toBe(false);
  });
});
