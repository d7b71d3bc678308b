import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createS3FileSystem } from '@drift-spark/delta-store-s3';
import { createDeltaSource } from '@drift-spark/source-delta';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonPath, repoRoot } from './cli-harness.js';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from './fault-proxy.js';
import {
  copyPrefixToLocal,
  createBucket,
  deltalakeS3Options,
  type S3Emulator,
  startS3,
} from './object-store-s3.js';

const credentials = { accessKeyId: 'AKIADRIFTRANGED00001', secretAccessKey: 'drift-ranged-secret' };
const footerBytes = 64 * 1024;

/** A reader of the bucket through the counting proxy, with at most `maxConcurrency` requests in flight. */
function bucketSource(proxy: FaultProxy, uri: string, maxConcurrency = 16) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new S3Client({
    endpoint: proxy.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
  });
  return createDeltaSource({ uri, fileSystem: createS3FileSystem({ client, maxConcurrency }) });
}

async function scanRows(source: ReturnType<typeof createDeltaSource>, columns: string[]) {
  const rows: Record<string, unknown>[] = [];
  for await (const batch of source.scan({ columns, batchSize: 500 })) rows.push(...batch.rows);
  return rows.sort((left, right) => Number(left.id) - Number(right.id));
}

async function changeRows(source: ReturnType<typeof createDeltaSource>) {
  const changes: string[] = [];
  const range = { columns: ['id', 'body'], fromVersion: 3, toVersion: 3, batchSize: 500 };
  for await (const batch of source.changes(range)) {
    for (const change of batch.changes) {
      changes.push(
        JSON.stringify(change, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value)),
      );
    }
  }
  return changes.sort();
}

/** The GETs of one object, by the end of its key. */
function getsOf(requests: ProxiedRequest[], name: string): ProxiedRequest[] {
  return requests.filter(
    (request) => request.method === 'GET' && request.url.split('?')[0]!.endsWith(`/${name}`),
  );
}

/** The footer of a file of `size` bytes: the first thing read of it. */
function footerRange(size: number): string {
  return `bytes=${Math.max(0, size - footerBytes)}-${size - 1}`;
}

describe('ranged reads of Delta tables in S3 (moto): footer first, only the needed column chunks, bounded', () => {
  let s3: S3Emulator;
  let work: string;
  let proxy: FaultProxy;
  const prefix = 'ranged';

  beforeAll(async () => {
    s3 = startS3();
    await createBucket(s3.endpoint, credentials, 'reads').catch(() => {});
    work = mkdtempSync(join(tmpdir(), 'drift-ranged-'));
    const options = JSON.stringify(deltalakeS3Options(s3.endpoint, credentials));
    execFileSync(
      pythonPath(),
      [`${repoRoot}integration-tests/src/ranged-reads-writer.py`, `s3://reads/${prefix}`, options],
      { stdio: 'inherit' },
    );
    for (const table of ['wide', 'many']) {
      await copyPrefixToLocal(
        s3.endpoint,
        credentials,
        'reads',
        `${prefix}/${table}`,
        join(work, table),
      );
    }
    // 5 ms per request: enough for requests to overlap, so the bound is tested.
    proxy = await startFaultProxy(s3.endpoint, () => 'pass', { delayMs: 5 });
  });
  afterAll(async () => {
    await proxy?.close();
    s3?.stop();
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it('a scan and a change feed of (id, body) read each data file footer first, then the id and body chunks only, as many at once as the store allows', async () => {
    const local = createDeltaSource({ uri: join(work, 'wide') });
    const uri = `s3://reads/${prefix}/wide`;
    const expected = await scanRows(local, ['id', 'body']);
    // Bounded to 2 in flight: the reader wants more (next row group, next file), gets 2.
    proxy.peakInFlight = 0;
    expect(await scanRows(bucketSource(proxy, uri, 2), ['id', 'body'])).toEqual(expected);
    expect(proxy.peakInFlight).toBe(2);
    // Unbounded (16): the demand shows.
    const bucket = bucketSource(proxy, uri);
    proxy.requests.length = 0;
    proxy.peakInFlight = 0;
    expect(await scanRows(bucket, ['id', 'body'])).toEqual(expected);
    expect(proxy.peakInFlight).toBeGreaterThan(2);
    expect(await changeRows(bucket)).toEqual(await changeRows(local));

    const dataFiles = [
      ...readdirSync(join(work, 'wide')).filter((name) => name.endsWith('.parquet')),
      ...readdirSync(join(work, 'wide/_change_data')).map((name) => `_change_data/${name}`),
    ];
    let fileBytes = 0;
    let readBytes = 0;
    const read = dataFiles.filter((name) => getsOf(proxy.requests, name.split('/').at(-1)!).length);
    // the latest version's files and the update's change data file (the replaced file is not needed)
    expect(read.filter((name) => name.startsWith('_change_data/'))).toHaveLength(1);
    expect(read.length).toBeGreaterThanOrEqual(2);
    for (const name of read) {
      const size = statSync(join(work, 'wide', name)).size;
      const gets = getsOf(proxy.requests, name.split('/').at(-1)!);
      expect(gets.length, name).toBeGreaterThanOrEqual(2);
      expect(gets[0]!.range, `${name}: footer first`).toBe(footerRange(size));
      for (const get of gets) expect(get.range, `${name}: ranged`).toMatch(/^bytes=\d+-\d+$/);
      fileBytes += size;
      readBytes += gets.reduce((sum, get) => sum + get.bytes, 0);
    }
    // attachment holds 3/4 of every row and is never read
    console.info(
      `ranged reads: ${readBytes} of ${fileBytes} data bytes in ${proxy.requests.length} requests, peak ${proxy.peakInFlight} in flight`,
    );
    expect(readBytes / fileBytes).toBeLessThan(0.4);
  });

  it('a checkpoint larger than the footer read is read by ranges, footer first, and gives the same table description (schema, version, row count)', async () => {
    const local = createDeltaSource({ uri: join(work, 'many') });
    const bucket = bucketSource(proxy, `s3://reads/${prefix}/many`);
    proxy.requests.length = 0;
    const description = await bucket.describe();
    expect(description).toEqual(await local.describe());
    const checkpoint = '00000000000000000000.checkpoint.parquet';
    const size = statSync(join(work, 'many/_delta_log', checkpoint)).size;
    expect(size).toBeGreaterThan(footerBytes);
    const gets = getsOf(proxy.requests, checkpoint);
    expect(gets.length).toBeGreaterThanOrEqual(2);
    expect(gets[0]!.range).toBe(footerRange(size));
    for (const get of gets) expect(get.range).toMatch(/^bytes=\d+-\d+$/);
    // the log before the checkpoint is never listed or read
    expect(getsOf(proxy.requests, '00000000000000000000.json')).toHaveLength(0);
  });
});
