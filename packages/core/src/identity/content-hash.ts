import { createHash } from 'node:crypto';

/** Hex SHA-256 of the exact text embedded (UTF-8). */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
