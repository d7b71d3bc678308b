import type { Source, SourceDescription } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { SharedPoll } from './shared-poll.js';

function countingSource(latest: { version: number }) {
  const calls = { describe: 0 };
  const source = {
    describe: async () => {
      calls.describe++;
      return { latestVersion: latest.version } as SourceDescription;
    },
  } as unknown as Source;
  return { source, calls };
}

describe('SharedPoll', () => {
  it('asks the table once per window for every loop of it', async () => {
    const latest = { version: 3 };
    const a = countingSource(latest);
    const b = countingSource(latest);
    let now = 0;
    const poll = new SharedPoll(1000, () => now);
    expect((await poll.of(a.source).describe()).latestVersion).toBe(3);
    now = 400;
    latest.version = 4;
    // The second index of the table, within the window: the same answer, no second read.
    expect((await poll.of(b.source).describe()).latestVersion).toBe(3);
    expect(a.calls.describe + b.calls.describe).toBe(1);
    now = 1000;
    expect((await poll.of(b.source).describe()).latestVersion).toBe(4);
    expect(a.calls.describe + b.calls.describe).toBe(2);
  });

  it('does not share a failed poll', async () => {
    let fail = true;
    const source = {
      describe: async () => {
        if (fail) throw new Error('store unreachable');
        return { latestVersion: 1 } as SourceDescription;
      },
    } as unknown as Source;
    const poll = new SharedPoll(60_000, () => 0);
    await expect(poll.of(source).describe()).rejects.toThrow('store unreachable');
    fail = false;
    expect((await poll.of(source).describe()).latestVersion).toBe(1);
  });
});
