import { hash } from 'node:crypto';

/** Drift's fixed UUIDv5 namespace. Never change it: every stored point id derives from it. */
export const DRIFT_NAMESPACE = '6f1e7a52-3c1b-5d0e-9a4f-2b8c7d9e0f11';

const namespaceBytes = Buffer.from(DRIFT_NAMESPACE.replace(/-/g, ''), 'hex');
/** Namespace, then the name's UTF-8 bytes (at most 3 per UTF-16 unit): written in place, no allocation per id. */
const scratch = Buffer.allocUnsafe(16 + 3 * 1024);
namespaceBytes.copy(scratch, 0);
const variant = '89ab';

/**
 * The point id of a row: UUIDv5(Drift namespace, source id + NUL + canonical key).
 * Stable per row, so an update overwrites the same point and a delete removes exactly it;
 * two rows with the same text stay two points.
 *
 * RFC 9562 UUIDv5 (a test holds it equal to the `uuid` package's `v5`), computed without
 * allocating for names up to 1024 UTF-16 units, because the engine computes one for every
 * row of every run, changed or not.
 */
export function pointId(sourceId: string, key: string): string {
  return uuidV5(`${sourceId}\u0000${key}`);
}

/**
 * The point id of one chunk of a row (`--chunk`): UUIDv5(Drift namespace, source id + NUL
 * + canonical key + NUL + `chunk:` + index). Stable per (row, chunk index); a row's
 * unchunked `pointId` is never a chunk's.
 */
export function chunkPointId(sourceId: string, key: string, index: number): string {
  return uuidV5(`${sourceId}\u0000${key}\u0000chunk:${index}`);
}

function uuidV5(name: string): string {
  const digest =
    name.length <= 1024
      ? hash('sha1', scratch.subarray(0, 16 + scratch.write(name, 16, 'utf8')), 'hex')
      : hash('sha1', Buffer.concat([namespaceBytes, Buffer.from(name, 'utf8')]), 'hex');
  // Version 5 in the 13th hex digit, variant 10xx in the 17th.
  return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-5${digest.slice(13, 16)}-${variant[Number.parseInt(digest[16]!, 16) & 3]}${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}
