import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { DRIFT_NAMESPACE, pointId } from './point-id.js';

describe('pointId', () => {
  it('is the UUIDv5 of source id + NUL + key in the Drift namespace', () => {
    const reference = (source: string, key: string) =>
      uuidv5(`${source}\u0000${key}`, DRIFT_NAMESPACE);
    for (const [source, key] of [
      ['delta://t', '1'],
      ['s', 'ünïcode ✓'],
      ['', ''],
      ['x', '["a,b","c"]'],
      ['emoji', '🎉'.repeat(600)],
      ['long', 'é'.repeat(1023)],
      ['', '✓'.repeat(1023)], // exactly 1024 units, 3 bytes each
      ['', '✓'.repeat(1024)], // one past the in-place buffer
      ['longer', '✓'.repeat(5000)],
    ] as const) {
      expect(pointId(source, key)).toBe(reference(source, key));
    }
    for (let key = 0; key < 500; key++)
      expect(pointId('delta://t', String(key))).toBe(reference('delta://t', String(key)));
  });

  it('keeps the ids already stored: the namespace and the name layout do not change', () => {
    expect(pointId('delta://t', '1')).toBe('4631eb99-303f-54e9-a212-7a20209ffc0a');
  });
});
