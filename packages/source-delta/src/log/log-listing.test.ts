import { describe, expect, test } from 'vitest';
import { classifyLogFiles } from './log-listing.js';

const file = (name: string) => ({
  path: `/t/_delta_log/${name}`,
  name,
  size: 1,
  modificationTime: 0,
});
const v = (version: number) => String(version).padStart(20, '0');

describe('log listing', () => {
  test('ignores crc, hidden checksum, compaction and hint files', () => {
    const listing = classifyLogFiles(
      [
        `${v(0)}.json`,
        `.${v(0)}.json.crc`,
        `${v(0)}.crc`,
        '_last_checkpoint',
        `${v(0)}.${v(1)}.compacted.json`,
        `${v(1)}.json`,
        'garbage.txt',
      ].map(file),
    );
    expect([...listing.commits.keys()]).toEqual([0, 1]);
    expect(listing.checkpoints).toEqual([]);
    expect(listing.latestVersion).toBe(1);
  });

  test('ranks checkpoints: newest first, then UUID > multi-part > classic; incomplete multi-part ignored', () => {
    const listing = classifyLogFiles(
      [
        `${v(5)}.checkpoint.parquet`,
        `${v(5)}.checkpoint.0000000001.0000000002.parquet`,
        `${v(5)}.checkpoint.0000000002.0000000002.parquet`,
        `${v(5)}.checkpoint.e8fa2696-9728-4e9c-b285-634743fdd4fb.json`,
        `${v(8)}.checkpoint.0000000001.0000000003.parquet`,
        `${v(3)}.checkpoint.parquet`,
      ].map(file),
    );
    expect(listing.checkpoints.map((checkpoint) => [checkpoint.version, checkpoint.kind])).toEqual([
      [5, 'uuid'],
      [5, 'multi-part'],
      [5, 'classic'],
      [3, 'classic'],
    ]);
    expect(listing.latestVersion).toBe(5);
  });
});
