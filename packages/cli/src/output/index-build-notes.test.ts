import { describe, expect, it, vi } from 'vitest';
import { indexBuildNotes } from './index-build-notes.js';
import { Output } from './output.js';

describe('indexBuildNotes', () => {
  it('says where a long index build is, at most once per interval', () => {
    vi.useFakeTimers();
    try {
      let stderr = '';
      const output = new Output(
        {
          stdout: { write: () => true },
          stderr: { write: (chunk: string) => (stderr += chunk) },
          env: {},
          cwd: '/',
        },
        { json: false },
      );
      const note = indexBuildNotes(output, 5000);
      note({ phase: 'building index: loading tuples', done: 10, total: 100 });
      expect(stderr).toBe('');
      vi.advanceTimersByTime(5000);
      note({ phase: 'building index: loading tuples', done: 45, total: 100 });
      vi.advanceTimersByTime(1000);
      note({ phase: 'building index: loading tuples', done: 50, total: 100 });
      expect(stderr).toBe('building the search index (building index: loading tuples 45%)\n');
    } finally {
      vi.useRealTimers();
    }
  });
});
