import { hash } from 'node:crypto';

/** Hex SHA-256 of the exact text embedded (UTF-8). */
export function contentHash(text: string): string {
  return hash('sha256', text, 'hex');
}
