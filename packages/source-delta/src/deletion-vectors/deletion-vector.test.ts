import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createLocalFileSystem } from '../file-system/local-file-system.js';
import { fixture } from '../testing/fixtures.js';
import { addsOf } from '../testing/log-actions.js';
import { deletionVectorPath, loadDeletionVector } from './deletion-vector.js';
import { decodeDeletionVectorBitmap, deletionVectorMagic } from './roaring-bitmap.js';
import { decodeZ85 } from './z85.js';

describe('Z85', () => {
  test('decodes the ZeroMQ RFC 32 test vector', () => {
    expect(Array.from(decodeZ85('HelloWorld'))).toEqual([
      0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b,
    ]);
  });

  test('accepts the Rust z85 crate tail padding (k leading # = 4 - k bytes)', () => {
    expect(Array.from(decodeZ85('##093'))).toEqual([0x03, 0x00]);
    expect(Array.from(decodeZ85('HelloWorld##093'))).toEqual([
      0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b, 0x03, 0x00,
    ]);
  });

  test('refuses malformed text', () => {
    expect(() => decodeZ85('abcd')).toThrow();
    expect(() => decodeZ85('abc"e')).toThrow();
  });
});

/** Serialises a bitmap the way Delta does, for run, array and bitmap containers. */
function bitmapBytes(buckets: { high: number; containers: Uint8Array }[]): Uint8Array {
  const parts: number[] = [];
  const u32 = (value: number) =>
    parts.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  u32(deletionVectorMagic);
  u32(buckets.length);
  u32(0);
  for (const bucket of buckets) {
    u32(bucket.high);
    parts.push(...bucket.containers);
  }
  return Uint8Array.from(parts);
}

function u16s(...values: number[]): number[] {
  return values.flatMap((value) => [value & 0xff, value >>> 8]);
}

describe('Delta deletion-vector bitmaps (64-bit portable Roaring)', () => {
  test('array containers without runs (cookie 12346)', () => {
    // one container, key 0, cardinality 3, offsets, then values 1, 5, 65535
    const containers = Uint8Array.from([
      ...u16s(12346, 0),
      ...u16s(1, 0),
      ...u16s(0, 2),
      ...u16s(0, 0),
      ...u16s(1, 5, 65535),
    ]);
    expect(decodeDeletionVectorBitmap(bitmapBytes([{ high: 0, containers }]))).toEqual([
      1, 5, 65535,
    ]);
  });

  test('run containers (cookie 12347) and a high key', () => {
    // size 1 => cookie (0 << 16) | 12347; run flags byte 0b1; header key 2, cardinality-1 = 3; no offsets (size < 4)
    const containers = Uint8Array.from([
      ...u16s(12347, 0),
      0b1,
      ...u16s(2, 3),
      ...u16s(1),
      ...u16s(10, 3),
    ]);
    const base = 2 ** 32 + 2 * 65536;
    expect(decodeDeletionVectorBitmap(bitmapBytes([{ high: 1, containers }]))).toEqual([
      base + 10,
      base + 11,
      base + 12,
      base + 13,
    ]);
  });

  test('bitmap containers (more than 4096 values)', () => {
    const words = new Uint8Array(8192).fill(0xff); // every value 0..65535
    const header = Uint8Array.from([
      ...u16s(12346, 0),
      ...u16s(1, 0),
      ...u16s(0, 65535),
      ...u16s(0, 0),
    ]);
    const containers = new Uint8Array(header.length + words.length);
    containers.set(header);
    containers.set(words, header.length);
    const values = decodeDeletionVectorBitmap(bitmapBytes([{ high: 0, containers }]));
    expect(values).toHaveLength(65536);
    expect(values[0]).toBe(0);
    expect(values[65535]).toBe(65535);
  });

  test('refuses a wrong magic number', () => {
    expect(() => decodeDeletionVectorBitmap(new Uint8Array(12))).toThrow(/magic/);
  });
});

describe('deletion vectors of the cdf-table-with-dv fixture', () => {
  const fileSystem = createLocalFileSystem();
  const root = fixture('cdf-table-with-dv');

  test('the on-disk vector lives at <root>/deletion_vector_<uuid>.bin and holds {0, 9}', async () => {
    // version 1 deleted values 0 and 9 from the one file of values 0-9 (row index = value)
    const descriptor = addsOf('cdf-table-with-dv', 1)[0]!.deletionVector!;
    expect(descriptor.storageType).toBe('u');
    const file = deletionVectorPath(fileSystem, root, descriptor);
    expect(path.dirname(file)).toBe(root);
    expect(path.basename(file)).toMatch(/^deletion_vector_[0-9a-f-]{36}\.bin$/);
    expect(existsSync(file)).toBe(true);
    expect([...(await loadDeletionVector(fileSystem, root, descriptor))]).toEqual([0, 9]);
  });

  // Spark writes vectors to files only; these inline ones come from delta-kernel-rs tests
  // (the last with the Rust z85 crate's padded tail).
  test('inline vectors, including the padded tail', async () => {
    const inline = (pathOrInlineDv: string, sizeInBytes: number) =>
      loadDeletionVector(fileSystem, root, {
        storageType: 'i',
        pathOrInlineDv,
        sizeInBytes,
        cardinality: 0,
      });
    expect([...(await inline('^Bg9^0rr910000000000iXQKl0rr91000935c8Xg000311onP9', 40))]).toEqual([
      0, 1, 4, 5,
    ]);
    expect([...(await inline('^Bg9^0rr910000000000iXQKl0rr91000315c8Xg000f5', 36))]).toEqual([
      0, 5,
    ]);
    expect([...(await inline('^Bg9^0rr910000000000iXQKl0rr91000005c8Xg##093', 34))]).toEqual([3]);
  });

  test('a damaged vector is a typed error', async () => {
    await expect(
      loadDeletionVector(fileSystem, root, {
        storageType: 'i',
        pathOrInlineDv: '00000',
        sizeInBytes: 4,
        cardinality: 1,
      }),
    ).rejects.toMatchObject({
      reason: 'corrupt-deletion-vector',
    });
  });
});
