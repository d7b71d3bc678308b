import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.js';

describe('contentHash', () => {
  it('is the hex SHA-256 of the UTF-8 text', () => {
    expect(contentHash('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    for (const text of ['', 'ünïcode ✓ 🎉', 'x'.repeat(5000)])
      expect(contentHash(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});
