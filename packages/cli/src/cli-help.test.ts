import { describe, expect, it } from 'vitest';
import { createTestWorld, runInProcess } from './testing/in-process.js';

describe('help', () => {
  for (const command of [
    'demo',
    'embed',
    'watch',
    'status',
    'runs',
    'cost',
    'provenance',
    'search',
  ]) {
    it(`drift ${command} --help shows an example and exits 0`, async () => {
      const run = await runInProcess([command, '--help'], createTestWorld());
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: drift ${command}`);
      expect(run.stdout).toMatch(new RegExp(`Examples:\\n  \\$ drift ${command}\\b`));
    });
  }
});
