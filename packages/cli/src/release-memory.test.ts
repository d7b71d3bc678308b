import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { applyNativeMemoryPolicy, NATIVE_MEMORY_ENV } from './native-memory.js';
import { releaseMemory } from './release-memory.js';

const MIB = 1024 * 1024;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * 64 MiB of per-row vectors (6 KiB each, as 1536-d shadow vectors) that lived long enough to
 * reach V8's old generation, as a write phase's batches do, and that nothing holds any more:
 * only a full collection frees them.
 */
function dropOldVectors(): void {
  const rows = Array.from({ length: (64 * MIB) / 6144 }, () => new Float32Array(1536).fill(0.5));
  gc();
  gc();
  expect(rows.length).toBeGreaterThan(10_000);
}

describe('releaseMemory before an index build', () => {
  it('frees the garbage vectors of a write phase when the policy is applied', async () => {
    const policy = applyNativeMemoryPolicy({}, 60_000);
    if (!policy.applied) throw new Error(`the policy must apply on this Linux: ${policy.reason}`);
    try {
      dropOldVectors();
      const held = process.memoryUsage().arrayBuffers;
      expect(releaseMemory()).toBe(true);
      // V8 returns ArrayBuffer memory on a background thread just after the collection
      await new Promise((resolve) => setTimeout(resolve, 200));
      const left = process.memoryUsage().arrayBuffers;
      expect(held).toBeGreaterThan(40 * MIB);
      expect(left).toBeLessThan(held - 40 * MIB);
    } finally {
      policy.stop();
    }
  });

  it(`does nothing with ${NATIVE_MEMORY_ENV}=off`, () => {
    applyNativeMemoryPolicy({ [NATIVE_MEMORY_ENV]: 'off' });
    expect(releaseMemory()).toBe(false);
  });
});
