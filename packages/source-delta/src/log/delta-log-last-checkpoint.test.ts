import { describe, expect, it } from 'vitest';
import type { DeltaFileSystem } from '../file-system/delta-file-system.js';
import { createLocalFileSystem } from '../file-system/local-file-system.js';
import { fixture } from '../testing/fixtures.js';
import { createOverlayFileSystem } from '../testing/overlay-file-system.js';
import { DeltaLog } from './delta-log.js';
import { loadSnapshot } from './delta-snapshot.js';

/** A file system that honours `startAfter` the way S3 does, and records the names it lists. */
function storeLike(base: DeltaFileSystem, listed: string[]): DeltaFileSystem {
  return {
    ...base,
    async list(directory, options) {
      const files = await base.list(directory, options);
      const after = options?.startAfter;
      const kept = files?.filter((file) => after === undefined || file.name > after);
      listed.push(...(kept ?? []).map((file) => file.name));
      return kept;
    },
  };
}

function paths(snapshot: { files: { path: string }[] }): string[] {
  return snapshot.files.map((file) => file.path).sort();
}

describe('the latest snapshot lists the log from _last_checkpoint', () => {
  it('never lists the commits before the checkpoint, and reads the same snapshot', async () => {
    const root = fixture('basic-with-inserts-deletes-checkpoint');
    const listed: string[] = [];
    const fromHint = await loadSnapshot(
      new DeltaLog({ fileSystem: storeLike(createLocalFileSystem(), listed), root }),
    );
    const full = await loadSnapshot(new DeltaLog({ fileSystem: createLocalFileSystem(), root }));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((name) => name < '00000000000000000010')).toEqual([]);
    expect(fromHint.version).toBe(full.version);
    expect(paths(fromHint)).toEqual(paths(full));
  });

  it('falls back to the full listing when _last_checkpoint names a checkpoint that is gone', async () => {
    const root = fixture('basic-with-inserts-deletes-checkpoint');
    const listed: string[] = [];
    const stale = createOverlayFileSystem({ hide: ['00000000000000000010.checkpoint.parquet'] });
    const snapshot = await loadSnapshot(
      new DeltaLog({ fileSystem: storeLike(stale, listed), root }),
    );
    const full = await loadSnapshot(new DeltaLog({ fileSystem: createLocalFileSystem(), root }));
    expect(listed).toContain('00000000000000000000.json');
    expect(paths(snapshot)).toEqual(paths(full));
  });
});
