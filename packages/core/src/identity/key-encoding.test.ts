import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.js';
import { encodeKey, formatTimestampMicros } from './key-encoding.js';
import { pointId } from './point-id.js';

describe('key encoding', () => {
  it('encodes integers the same whether number or bigint, 64-bit exact', () => {
    expect(encodeKey({ id: 42 }, ['id'])).toBe('42');
    expect(encodeKey({ id: 42n }, ['id'])).toBe('42');
    expect(encodeKey({ id: 9007199254740993n }, ['id'])).toBe('9007199254740993');
  });

  it('keeps composite keys with commas distinct', () => {
    const a = encodeKey({ a: 'x,y', b: 'z' }, ['a', 'b']);
    const b = encodeKey({ a: 'x', b: 'y,z' }, ['a', 'b']);
    expect(a).not.toBe(b);
    expect(a).toBe('["x,y","z"]');
  });

  it('encodes timestamps with microseconds, exactly', () => {
    expect(encodeKey({ t: new Date('2024-01-02T03:04:05.678Z') }, ['t'])).toBe(
      '2024-01-02T03:04:05.678000Z',
    );
    expect(formatTimestampMicros(1704164645678901n)).toBe('2024-01-02T03:04:05.678901Z');
    expect(formatTimestampMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('refuses a null key with a message that says what to do', () => {
    expect(() => encodeKey({ id: null }, ['id'])).toThrow(/`keyColumns`/);
  });
});

describe('point id and content hash', () => {
  it('gives one stable point per (source, key), different across sources and keys', () => {
    expect(pointId('t1', '1')).toBe(pointId('t1', '1'));
    expect(pointId('t1', '1')).not.toBe(pointId('t1', '2'));
    expect(pointId('t1', '1')).not.toBe(pointId('t2', '1'));
    expect(pointId('t1', '1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('hashes text with SHA-256', () => {
    expect(contentHash('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
