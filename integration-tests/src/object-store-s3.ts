import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { filesUnder, startServiceScript } from './object-store-service.js';

/** The S3 emulator (scripts/services/s3.sh): the one with-services started, or one of our own. */
export interface S3Emulator {
  /** Accepts any credentials. */
  endpoint: string;
  /** Checks credentials like AWS (nothing is known to it, so every key is refused). */
  authEndpoint: string;
  stop(): void;
}

export function startS3(): S3Emulator {
  const fromEnv = process.env.DRIFT_S3_ENDPOINT;
  const authFromEnv = process.env.DRIFT_S3_AUTH_ENDPOINT;
  if (fromEnv && authFromEnv) return { endpoint: fromEnv, authEndpoint: authFromEnv, stop() {} };
  const { exports, stop } = startServiceScript('s3');
  const value = (name: string) => new RegExp(`export ${name}=(\\S+)`).exec(exports)?.[1] ?? '';
  return {
    endpoint: value('DRIFT_S3_ENDPOINT'),
    authEndpoint: value('DRIFT_S3_AUTH_ENDPOINT'),
    stop,
  };
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The environment a reader of the emulator needs (the AWS SDK's own variable names). */
export function s3Environment(endpoint: string, credentials: S3Credentials): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
  };
}

/** deltalake's storage options for the same emulator. */
export function deltalakeS3Options(
  endpoint: string,
  credentials: S3Credentials,
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ALLOW_HTTP: 'true',
    conditional_put: 'etag',
  };
}

function client(endpoint: string, credentials: S3Credentials): S3Client {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
}

export async function createBucket(
  endpoint: string,
  credentials: S3Credentials,
  bucket: string,
): Promise<void> {
  await client(endpoint, credentials).send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Copies every object under `prefix` to `localDirectory`, byte for byte: the table "copied to local disk". */
export async function copyPrefixToLocal(
  endpoint: string,
  credentials: S3Credentials,
  bucket: string,
  prefix: string,
  localDirectory: string,
): Promise<void> {
  const s3 = client(endpoint, credentials);
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const target = join(localDirectory, object.Key!.slice(prefix.length + 1));
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, await body.Body!.transformToByteArray());
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Uploads every file of `localDirectory` under `prefix`, byte for byte (a local table "copied to the bucket"). */
export async function uploadToBucket(
  endpoint: string,
  credentials: S3Credentials,
  localDirectory: string,
  bucket: string,
  prefix: string,
): Promise<void> {
  const s3 = client(endpoint, credentials);
  for (const file of filesUnder(localDirectory)) {
    const Key = `${prefix}/${relative(localDirectory, file)}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: readFileSync(file) }));
  }
}
