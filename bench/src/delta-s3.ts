/**
 * Delta on S3 with latency: the native reader through @drift-spark/delta-store-s3 (the
 * vendor SDK) and through Apache OpenDAL (`opendal`, ./opendal-file-system.ts) against
 * delta-rs (`deltalake`) reading the same bucket, through the same proxy that adds DELAY ms
 * to every request (as a remote region does), and counts the requests each reader makes.
 *
 * The table is bench/src/delta-generate.py's (ROWS rows of ~1 KB text, VERSIONS versions of
 * 1% churn), written on disk by delta-rs and uploaded to the S3 emulator
 * (scripts/services/s3.sh, started here unless DRIFT_S3_ENDPOINT is set).
 *
 *   node --import tsx bench/src/delta-s3.ts [--rows 1000000] [--versions 20] [--delay 20] [--modes scan,cdf]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createS3FileSystem } from '@drift-spark/delta-store-s3';
import { createDeltaSource } from '@drift-spark/source-delta';
import { createOpenDalS3FileSystem } from './opendal-file-system.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

interface Measure {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

/** The child: reads the bucket's table with the native reader, prints one Measure. */
async function child(layer: string, mode: string, uri: string, versions: number): Promise<void> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const fileSystem =
    layer === 'opendal'
      ? createOpenDalS3FileSystem({
          endpoint: process.env.AWS_ENDPOINT_URL!,
          region: process.env.AWS_REGION!,
          accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
          secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
        })
      : createS3FileSystem();
  const source = createDeltaSource({ uri, fileSystem });
  const columns = ['id', 'text', 'n'];
  let rows = 0;
  if (mode === 'scan') {
    for await (const batch of source.scan({ columns, batchSize: 1000 })) rows += batch.rows.length;
  } else {
    const range = { columns, fromVersion: 1, toVersion: versions, batchSize: 1000 };
    for await (const batch of source.changes(range)) rows += batch.changes.length;
  }
  const cpu = process.cpuUsage(cpuStarted);
  const measure: Measure = {
    rows,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(measure)}\n`);
}

/** A proxy that holds every request `delayMs` before forwarding it, and counts them. */
async function startDelayProxy(target: string, delayMs: number) {
  const upstream = new URL(target);
  const counter = { requests: 0 };
  const server = createServer((incoming, answer) => {
    counter.requests++;
    setTimeout(() => {
      const headers = { ...incoming.headers, host: upstream.host };
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers,
        },
        (response) => {
          answer.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(answer);
        },
      );
      forward.on('error', () => answer.socket?.destroy());
      incoming.pipe(forward);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, counter, close: () => server.close() };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** Runs a reader in a child process (async: the delaying proxy lives in this process's event loop). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const reader = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    reader.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    reader.on('error', reject);
    reader.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed with ${code}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Measure);
    });
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(process.argv[3]!, process.argv[4]!, process.argv[5]!, Number(process.argv[6]));
    return;
  }
  const rows = Number(option('rows', '1000000'));
  const versions = Number(option('versions', '20'));
  const delayMs = Number(option('delay', '20'));
  const table = path.join(repoRoot, `.ci-cache/bench/delta-${rows}-${versions}`);
  const py = execFileSync('bash', [path.join(repoRoot, 'scripts/python-env.sh')], {
    encoding: 'utf8',
  }).trim();
  const generated = spawnSync(
    py,
    [path.join(here, 'delta-generate.py'), table, String(rows), String(versions)],
    { stdio: 'inherit' },
  );
  if (generated.status !== 0) throw new Error('table generation failed');

  let endpoint = process.env.DRIFT_S3_ENDPOINT;
  const script = path.join(repoRoot, 'scripts/services/s3.sh');
  if (!endpoint)
    endpoint = /export DRIFT_S3_ENDPOINT=(\S+)/.exec(
      execFileSync('bash', [script, 'start'], { encoding: 'utf8' }),
    )![1]!;
  try {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    const bucket = 'bench';
    const prefix = `delta-${rows}-${versions}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
    const last = `${prefix}/_delta_log/${String(versions).padStart(20, '0')}.json`;
    const uploaded = await s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: last }))
      .then(() => true)
      .catch(() => false);
    if (!uploaded) console.log(`uploading ${table} to s3://${bucket}/${prefix} ...`);
    for (const file of uploaded ? [] : filesUnder(table)) {
      const Key = `${prefix}/${path.relative(table, file)}`;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: readFileSync(file) }));
    }
    const proxy = await startDelayProxy(endpoint, delayMs);
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: proxy.url,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ALLOW_HTTP: 'true',
    };
    const uri = `s3://${bucket}/${prefix}`;
    console.log(
      `\nDelta on S3 (moto) + ${delayMs} ms per request, ${rows} rows, ${versions} versions of 1% churn`,
    );
    for (const mode of option('modes', 'scan,cdf').split(',')) {
      const self = fileURLToPath(import.meta.url);
      const measured: { name: string; measure: Measure; requests: number }[] = [];
      for (const reader of ['native (vendor SDK)', 'native (OpenDAL)', 'delta-rs']) {
        proxy.counter.requests = 0;
        const layer = reader.includes('OpenDAL') ? 'opendal' : 'sdk';
        const measure = reader.startsWith('native')
          ? await run(
              process.execPath,
              [...process.execArgv, self, '--child', layer, mode, uri, String(versions)],
              env,
            )
          : await run(
              py,
              [path.join(here, 'delta-peer.py'), uri, mode, '1', String(versions)],
              env,
            );
        measured.push({ name: reader, measure, requests: proxy.counter.requests });
      }
      const peer = measured.at(-1)!;
      for (const { name, measure } of measured) {
        if (measure.rows !== peer.measure.rows)
          throw new Error(`${mode}: ${name} ${measure.rows} rows, delta-rs ${peer.measure.rows}`);
      }
      const rate = (measure: Measure) =>
        Math.round(measure.rows / measure.seconds)
          .toLocaleString('en-US')
          .padStart(10);
      console.log(
        mode === 'scan'
          ? `snapshot scan (${peer.measure.rows} rows)`
          : `CDF v1..v${versions} (${peer.measure.rows} rows)`,
      );
      for (const { name, measure, requests } of measured) {
        console.log(
          `  ${name.padEnd(20)} ${rate(measure)} rows/s, ${measure.seconds.toFixed(1)} s, ${requests} requests, peak RSS ${measure.maxRssMb.toFixed(0)} MB, ${(measure.seconds / peer.measure.seconds).toFixed(2)}x delta-rs wall time`,
        );
      }
    }
    proxy.close();
  } finally {
    if (!process.env.DRIFT_S3_ENDPOINT) execFileSync('bash', [script, 'stop'], { stdio: 'ignore' });
  }
}

await main();
