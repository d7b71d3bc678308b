/**
 * A `DeltaFileSystem` for s3:// on Apache OpenDAL's Node binding (npm `opendal`), to
 * measure it against the vendor SDK (`@drift-spark/delta-store-s3`) on the same bench.
 * The same request discipline (bounded, retried by source-delta/store); OpenDAL's own
 * retry layer is not added, so attempts never multiply.
 *
 * opendal 0.49.1: the newer 0.49 builds need glibc 2.38 (Debian 12 has 2.36), 0.48 and
 * older have no ranged reads.
 */
import {
  createStoreRequests,
  type DeltaFileInfo,
  type DeltaFileSystem,
  droppedConnectionCode,
  parseObjectUri,
  resolveObjectPath,
  type StoreFailure,
} from '@drift-spark/source-delta/store';
import { Operator } from 'opendal';

export interface OpenDalS3Options {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  maxConcurrency?: number;
}

/** OpenDAL's errors carry their kind in the message ("NotFound (persistent) at read ..."). */
function classify(error: unknown): StoreFailure {
  const message = String((error as { message?: unknown }).message ?? error);
  const kind = /^(\w+)/.exec(message)?.[1] ?? 'Unexpected';
  if (kind === 'NotFound') return { kind: 'not-found', code: kind };
  if (kind === 'PermissionDenied') return { kind: 'denied', code: kind };
  if (/temporary|RateLimited/.test(message) || droppedConnectionCode(error))
    return { kind: 'transient', code: kind };
  return { kind: 'fatal', code: kind };
}

export function createOpenDalS3FileSystem(options: OpenDalS3Options): DeltaFileSystem {
  const operators = new Map<string, Operator>();
  const operator = (bucket: string) => {
    let found = operators.get(bucket);
    if (!found) {
      found = new Operator('s3', {
        bucket,
        endpoint: options.endpoint,
        region: options.region,
        access_key_id: options.accessKeyId,
        secret_access_key: options.secretAccessKey,
      });
      operators.set(bucket, found);
    }
    return found;
  };
  const locate = (uri: string) => {
    const object = parseObjectUri(uri);
    if (object?.store !== 's3') throw new TypeError(`${uri} is not an s3:// URI`);
    return { bucket: object.bucket, key: object.key };
  };
  const requests = createStoreRequests({ classify, maxConcurrency: options.maxConcurrency });

  const listDirectory = async (directory: string, startAfter?: string) => {
    const { bucket, key } = locate(directory);
    const prefix = key ? `${key}/` : '';
    const entries = await requests.run(directory, () =>
      operator(bucket).list(prefix, startAfter ? { startAfter: prefix + startAfter } : {}),
    );
    const files: DeltaFileInfo[] = [];
    for (const entry of entries) {
      const path = entry.path();
      if (path.endsWith('/')) continue;
      const metadata = entry.metadata();
      files.push({
        path: `s3://${bucket}/${path}`,
        name: path.slice(prefix.length),
        size: Number(metadata.contentLength ?? 0n),
        modificationTime: metadata.lastModified ? Date.parse(metadata.lastModified) : 0,
      });
    }
    return { files, any: entries.some((entry) => entry.path() !== prefix) };
  };

  return {
    async list(directory, callOptions = {}) {
      const { files, any } = await listDirectory(directory, callOptions.startAfter);
      return any ? files : undefined;
    },
    async read(target, callOptions = {}) {
      const { bucket, key } = locate(target);
      const range = callOptions.range;
      if (range && range.end <= range.start) return new Uint8Array(0);
      const bytes = await requests.run(
        target,
        () =>
          operator(bucket).read(
            key,
            range ? { offset: BigInt(range.start), size: BigInt(range.end - range.start) } : {},
          ),
        callOptions.signal,
      );
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    async stat(target) {
      const { bucket, key } = locate(target);
      try {
        const metadata = await requests.run(target, () => operator(bucket).stat(key));
        return {
          path: target,
          name: key.slice(key.lastIndexOf('/') + 1),
          size: Number(metadata.contentLength ?? 0n),
          modificationTime: metadata.lastModified ? Date.parse(metadata.lastModified) : 0,
        };
      } catch (error) {
        if ((error as { reason?: unknown }).reason === 'file-missing') return undefined;
        throw error;
      }
    },
    async isDirectory(target) {
      return (await listDirectory(target)).any;
    },
    resolve: resolveObjectPath,
    rangedReads: true,
  };
}
