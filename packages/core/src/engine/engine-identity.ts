import { hash } from 'node:crypto';
import { DRIFT_NAMESPACE } from '../identity/point-id.js';

/**
 * The engine's hot-loop versions of `pointId` and `contentHash`: the same values
 * (a test holds them against the identity module), about twice as fast, because the
 * engine computes both for every row of every run, changed or not.
 */

const namespaceBytes = Buffer.from(DRIFT_NAMESPACE.replace(/-/g, ''), 'hex');
const hexByte: string[] = Array.from({ length: 256 }, (_, index) => (index + 0x100).toString(16).slice(1));

/** UUIDv5(Drift namespace, source id + NUL + key), as `pointId` computes it. */
export function fastPointId(sourceId: string, key: string): string {
  const digest = hash('sha1', Buffer.concat([namespaceBytes, Buffer.from(`${sourceId}\u0000${key}`, 'utf8')]), 'buffer');
  const b = digest;
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return (
    hexByte[b[0]!]! + hexByte[b[1]!]! + hexByte[b[2]!]! + hexByte[b[3]!]! + '-' +
    hexByte[b[4]!]! + hexByte[b[5]!]! + '-' +
    hexByte[b[6]!]! + hexByte[b[7]!]! + '-' +
    hexByte[b[8]!]! + hexByte[b[9]!]! + '-' +
    hexByte[b[10]!]! + hexByte[b[11]!]! + hexByte[b[12]!]! + hexByte[b[13]!]! + hexByte[b[14]!]! + hexByte[b[15]!]!
  );
}

/** Hex SHA-256 of the text (UTF-8), as `contentHash` computes it. */
export function fastContentHash(text: string): string {
  return hash('sha256', text, 'hex');
}
