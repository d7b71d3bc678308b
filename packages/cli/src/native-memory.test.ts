import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { applyNativeMemoryPolicy, NATIVE_MEMORY_ENV } from './native-memory.js';

const MIB = 1024 * 1024;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// CI and this repository's machines run Linux with glibc, where the policy must apply.
describe('native-memory policy', () => {
  it('applies on Linux with glibc (mallopt accepted) and gives freed heap pages back', async () => {
    const policy = applyNativeMemoryPolicy({}, 60_000); // no timed trim during the test
    expect(policy).toMatchObject({ applied: process.platform === 'linux' });
    if (!policy.applied) return;
    try {
      // 80 MiB of 16 KiB blocks (below the mmap threshold: they come from the heap); every
      // 64th stays alive, so the heap cannot shrink from its top and only a trim returns pages.
      const blocks = Array.from({ length: 5120 }, () => new Uint8Array(16 * 1024).fill(1));
      const kept = blocks.filter((_, i) => i % 64 === 0);
      blocks.length = 0;
      // V8 frees ArrayBuffer memory on a background sweeper after the collection: let it run.
      for (let round = 0; round < 3; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const before = process.memoryUsage().rss;
      policy.trimNow();
      const returned = (before - process.memoryUsage().rss) / MIB;
      expect(kept.length).toBe(80);
      expect(returned).toBeGreaterThan(40);
    } finally {
      policy.stop();
    }
  });

  it(`does nothing with ${NATIVE_MEMORY_ENV}=off`, () => {
    expect(applyNativeMemoryPolicy({ [NATIVE_MEMORY_ENV]: 'off' })).toEqual({
      applied: false,
      reason: `${NATIVE_MEMORY_ENV}=off`,
    });
  });

  it('steps aside when the user tunes glibc through its own variables', () => {
    expect(applyNativeMemoryPolicy({ MALLOC_ARENA_MAX: '4' })).toEqual({
      applied: false,
      reason: 'MALLOC_ARENA_MAX is set',
    });
  });
});
